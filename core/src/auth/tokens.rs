//! The session's tokens, kept only in the SecretStore. Never in SQLite,
//! never in logs: `Debug` prints no token.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::model::Profile;
use crate::error::{Error, Result};
use crate::platform::SecretStore;

/// The one SecretStore entry describing this device's session.
pub(crate) const SESSION_SECRET: &str = "session";

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token stops working, by our clock (ms since the epoch).
    pub access_expires_at_ms: i64,
    pub scope: String,
}

impl Drop for Tokens {
    fn drop(&mut self) {
        self.access_token.zeroize();
        self.refresh_token.zeroize();
    }
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_expires_at_ms", &self.access_expires_at_ms)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Who is (or was) signed in on this device, and with which tokens.
/// `tokens` is None once the platform ended the session (Expired).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionRecord {
    pub user_id: String,
    pub tokens: Option<Tokens>,
    /// The last profile seen, so the app shows who is signed in at start-up
    /// without waiting for the network.
    pub profile: Option<Profile>,
    pub expired_reason: Option<String>,
}

pub(crate) fn load(secrets: &dyn SecretStore) -> Result<Option<SessionRecord>> {
    let Some(bytes) = secrets.get(SESSION_SECRET)? else {
        return Ok(None);
    };
    let bytes = zeroize::Zeroizing::new(bytes);
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| Error::SecretStore {
            message: "the stored session is unreadable; sign in again".to_owned(),
        })
}

pub(crate) fn save(secrets: &dyn SecretStore, record: &SessionRecord) -> Result<()> {
    let bytes = zeroize::Zeroizing::new(
        serde_json::to_vec(record).map_err(|e| Error::storage(e.to_string()))?,
    );
    secrets.set(SESSION_SECRET, &bytes)
}

pub(crate) fn forget(secrets: &dyn SecretStore) -> Result<()> {
    secrets.delete(SESSION_SECRET)
}
