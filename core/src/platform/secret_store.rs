//! Named secrets (database keys, tokens, device keys) kept outside SQLite.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::Result;

/// A keystore the core can put small secrets into.
///
/// Implementations must be safe to call from any thread. `get` of a name
/// that was never set (or was deleted) is `Ok(None)`, not an error.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<()>;
    /// Deleting a missing name is not an error.
    fn delete(&self, name: &str) -> Result<()>;
    /// Which store this is, and whether secrets survive a restart, for the user to read.
    fn describe(&self) -> String;
}

/// Secrets in process memory: for tests, and for hosts that have no keystore.
/// Nothing survives the process, which `describe` says.
#[derive(Default)]
pub struct MemorySecretStore {
    secrets: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        // A panic elsewhere cannot leave a HashMap half-written, so a poisoned lock is still usable.
        self.secrets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock().get(name).cloned())
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.lock().insert(name.to_owned(), secret.to_vec());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.lock().remove(name);
        Ok(())
    }

    fn describe(&self) -> String {
        "in-memory (not durable: secrets are lost when the process exits)".to_owned()
    }
}
