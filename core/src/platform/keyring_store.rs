//! The operating system's keystore through keyring-core and its store crates:
//! Apple keychain on iOS and macOS, the Windows credential manager, and the
//! kernel's keyutils on Linux. Android apps pass their own Keystore-backed
//! store through the bindings instead.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::SecretStore;
use crate::error::{Error, Result};

pub struct KeyringSecretStore {
    store: Arc<CredentialStore>,
    service: String,
    description: String,
}

impl KeyringSecretStore {
    /// Opens the platform's keystore; secrets are filed under `service`
    /// (e.g. "cn.gov.yn.banshitong") so that apps sharing a keychain don't collide.
    pub fn open(service: &str) -> Result<Self> {
        let (store, description) = platform_store()?;
        Ok(Self {
            store,
            service: service.to_owned(),
            description,
        })
    }

    fn entry(&self, name: &str) -> Result<Entry> {
        self.store
            .build(&self.service, name, None)
            .map_err(keyring_error)
    }
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.entry(name)?.set_secret(secret).map_err(keyring_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// The one conversion point from keyring errors. Their Display never includes the secret.
fn keyring_error(e: keyring_core::Error) -> Error {
    Error::SecretStore {
        message: e.to_string(),
    }
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
fn platform_store() -> Result<(Arc<CredentialStore>, String)> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(keyring_error)?;
    Ok((store, "Apple keychain (durable)".to_owned()))
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<(Arc<CredentialStore>, String)> {
    let store = windows_native_keyring_store::Store::new().map_err(keyring_error)?;
    Ok((store, "Windows credential manager (durable)".to_owned()))
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<(Arc<CredentialStore>, String)> {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};

    // keyutils refuses to work without a session keyring, which a headless
    // process (a CI job, a service, a shell without a PAM login) may not have.
    // Joining a fresh anonymous one makes the store usable; what lasts beyond
    // this process then depends on the user's persistent keyring.
    if KeyRing::from_special_id(KeyRingIdentifier::Session, false).is_err() {
        join_anonymous_session_keyring()?;
    }
    let durable = KeyRing::get_persistent(KeyRingIdentifier::Session).is_ok();
    let store = linux_keyutils_keyring_store::Store::new().map_err(keyring_error)?;
    let description = if durable {
        "Linux kernel keyutils, persistent keyring (survives this process for a few days, not a reboot)"
    } else {
        "Linux kernel keyutils, session keyring only (not durable: lost when this session ends)"
    };
    Ok((store, description.to_owned()))
}

#[cfg(target_os = "linux")]
fn join_anonymous_session_keyring() -> Result<()> {
    const KEYCTL_JOIN_SESSION_KEYRING: libc::c_long = 1;
    // SAFETY: keyctl(JOIN_SESSION_KEYRING, NULL) takes no pointers we own; it
    // only replaces this process's session keyring with a new anonymous one.
    let id = unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_JOIN_SESSION_KEYRING,
            std::ptr::null::<libc::c_char>(),
        )
    };
    if id < 0 {
        return Err(Error::SecretStore {
            message: format!(
                "no session keyring and joining one failed: {}",
                std::io::Error::last_os_error()
            ),
        });
    }
    Ok(())
}

#[cfg(not(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "windows",
    target_os = "linux"
)))]
fn platform_store() -> Result<(Arc<CredentialStore>, String)> {
    Err(Error::SecretStore {
        message: "this platform has no keystore the core can open itself; pass a SecretStore from the app".to_owned(),
    })
}
