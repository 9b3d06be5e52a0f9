//! PKCE (RFC 7636, S256) and the `state` parameter for third-party sign-in.
//! The pending request is kept in the SecretStore, so a sign-in survives the
//! app being killed while the user is in the browser.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::platform::SecretStore;

const PENDING_SECRET: &str = "third-party-sign-in";

#[derive(Serialize, Deserialize)]
pub(crate) struct PendingSignIn {
    pub state: String,
    pub code_verifier: String,
    pub redirect_uri: String,
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

impl PendingSignIn {
    pub fn new(redirect_uri: &str) -> Self {
        Self {
            // 32 bytes → 43 characters, the shortest verifier RFC 7636 allows.
            code_verifier: random_token(32),
            state: random_token(16),
            redirect_uri: redirect_uri.to_owned(),
        }
    }

    pub fn code_challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.code_verifier.as_bytes()))
    }

    pub fn save(&self, secrets: &dyn SecretStore) -> Result<()> {
        let json = serde_json::to_vec(self).map_err(|e| Error::storage(e.to_string()))?;
        secrets.set(PENDING_SECRET, &json)
    }

    /// Takes the pending request out of the store: a redirect is used once.
    pub fn take(secrets: &dyn SecretStore) -> Result<Option<Self>> {
        let Some(json) = secrets.get(PENDING_SECRET)? else {
            return Ok(None);
        };
        secrets.delete(PENDING_SECRET)?;
        Ok(serde_json::from_slice(&json).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_challenge() {
        let pending = PendingSignIn {
            state: String::new(),
            code_verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned(),
            redirect_uri: String::new(),
        };
        assert_eq!(
            pending.code_challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_long_enough_and_unique() {
        let a = PendingSignIn::new("banshitong://auth");
        let b = PendingSignIn::new("banshitong://auth");
        assert_eq!(a.code_verifier.len(), 43);
        assert_ne!(a.code_verifier, b.code_verifier);
        assert_ne!(a.state, b.state);
    }
}
