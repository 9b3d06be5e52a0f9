//! This device's licence key: made once per user and suite, kept in the
//! SecretStore (the platform keystore on phones), never in SQLite; its
//! public half is certified by the platform (`POST /api/v1/devices`) and the
//! certificate kept in the personal database.
//!
//! A keystore that lost the key (a restored phone) gets a new key and a new
//! certificate; a database that lost the certificate (wiped) gets the same
//! key certified again. A certificate expiring within a day is renewed while
//! the network is there; offline, the one held is used until it expires.

use banshitong_trust::{SigningKey, Suite};
use sha2::{Digest, Sha256};

use super::api;
use super::store::{self, DeviceRegistration};
use crate::auth::session::Session;
use crate::error::{Error, Result};
use crate::platform::SecretStore;
use crate::store::Database;
use crate::time_util::now_ms;

/// The secret's name: keyed by a hash of the user id, like the personal
/// database's key, so the keystore's list of names reveals no account.
pub(crate) fn secret_name(suite: Suite, user_id: &str) -> String {
    let tag = hex::encode(&Sha256::digest(user_id.as_bytes())[..12]);
    format!("licence-device-key/{}/{tag}", suite.as_str())
}

/// The device key for `suite`, made and stored on first use.
pub(crate) fn key(secrets: &dyn SecretStore, suite: Suite, user_id: &str) -> Result<SigningKey> {
    let name = secret_name(suite, user_id);
    if let Some(secret) = secrets.get(&name)? {
        let secret = zeroize::Zeroizing::new(secret);
        return SigningKey::from_bytes(suite, &secret).map_err(|e| Error::SecretStore {
            message: format!("the device key in the keystore is unusable: {e}"),
        });
    }
    let key = SigningKey::generate(suite);
    secrets.set(&name, &key.secret_bytes())?;
    Ok(key)
}

/// Forgets the user's device keys (on a wipe of their data).
pub(crate) fn forget(secrets: &dyn SecretStore, user_id: &str) -> Result<()> {
    for suite in Suite::ALL {
        secrets.delete(&secret_name(suite, user_id))?;
    }
    Ok(())
}

/// A certificate this close to its end is renewed when the network allows.
const RENEW_BEFORE_MS: i64 = 24 * 3600 * 1000;

/// The device key and a certificate for it: the one held when it fits the
/// key and is not about to expire, else a fresh one from the platform (a
/// held one still serves while offline).
pub(crate) async fn certified(
    secrets: &dyn SecretStore,
    db: &Database,
    session: &Session,
    suite: Suite,
    user_id: &str,
) -> Result<(SigningKey, DeviceRegistration)> {
    let key = key(secrets, suite, user_id)?;
    let public_key = key.verifying_key().to_bytes();
    let name = suite.as_str().to_owned();
    let held = db
        .call(move |c| Ok(store::device(c, &name)?))
        .await?
        .filter(|d| d.public_key == public_key);
    let fresh_enough = |d: &DeviceRegistration| {
        d.expires_at_ms
            .is_none_or(|exp| exp - now_ms() > RENEW_BEFORE_MS)
    };
    if let Some(d) = &held
        && fresh_enough(d)
    {
        return Ok((key, d.clone()));
    }
    match api::register_device(session, suite.as_str(), &public_key).await {
        Ok(answer) => {
            let registration = DeviceRegistration {
                suite: suite.as_str().to_owned(),
                expires_at_ms: answer.expires_at_ms(),
                certificate: api::b64("device certificate", &answer.certificate)?,
                device_id: answer.device_id,
                public_key,
                registered_at_ms: now_ms(),
            };
            let saved = registration.clone();
            db.call(move |c| Ok(store::save_device(c, &saved)?)).await?;
            Ok((key, registration))
        }
        Err(e) if e.is_network() => match held {
            Some(d) if d.expires_at_ms.is_none_or(|exp| exp > now_ms()) => Ok((key, d)),
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}
