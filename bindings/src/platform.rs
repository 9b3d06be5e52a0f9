//! The host's side of the platform traits: a keystore and a logger written
//! in Kotlin or Swift, adapted to the core's traits.

use std::sync::{Arc, Mutex};

use banshitong_core::platform::{self as core_platform, LogRecord};
use banshitong_core::{Error as CoreError, Result as CoreResult};

use crate::error::BstError;
use crate::runtime::guard;

/// A keystore the app provides (Android Keystore, iOS keychain). Errors and
/// exceptions thrown here reach the core as a SecretStore error.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, BstError>;
    fn set(&self, name: String, secret: Vec<u8>) -> Result<(), BstError>;
    fn delete(&self, name: String) -> Result<(), BstError>;
    fn describe(&self) -> String;
}

/// Receives the core's log records (already filtered in Rust).
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    fn log(&self, record: LogRecord) -> Result<(), BstError>;
}

/// A secret store that lives in memory, for tests and previews.
#[uniffi::export]
pub fn memory_secret_store() -> Arc<dyn SecretStore> {
    Arc::new(CoreSecretStore(Arc::new(
        core_platform::MemorySecretStore::new(),
    )))
}

/// The default filter: our crates at info, everything else at warn.
const DEFAULT_LOG_FILTER: &str = "warn,banshitong_core=info,banshitong_ffi=info";
static LOG_FILTER: Mutex<Option<String>> = Mutex::new(None);

/// Sets up logging: records at or above `filter` (EnvFilter syntax, e.g.
/// "info,banshitong_core=debug"; None keeps the current one) go to `logger`.
/// May be called again to change either.
#[uniffi::export]
pub fn init_platform(filter: Option<String>, logger: Arc<dyn Logger>) -> Result<(), BstError> {
    guard(|| {
        let mut current = LOG_FILTER.lock().unwrap_or_else(|p| p.into_inner());
        let filter = filter
            .or_else(|| current.clone())
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned());
        core_platform::forward_logs_to(Arc::new(ForeignLogger(logger)), &filter)?;
        *current = Some(filter);
        Ok(())
    })
}

/// Adapts a foreign `SecretStore` to the core's trait.
pub(crate) struct ForeignSecretStore(pub Arc<dyn SecretStore>);

impl core_platform::SecretStore for ForeignSecretStore {
    fn get(&self, name: &str) -> CoreResult<Option<Vec<u8>>> {
        self.0.get(name.to_owned()).map_err(store_error)
    }

    fn set(&self, name: &str, secret: &[u8]) -> CoreResult<()> {
        self.0
            .set(name.to_owned(), secret.to_vec())
            .map_err(store_error)
    }

    fn delete(&self, name: &str) -> CoreResult<()> {
        self.0.delete(name.to_owned()).map_err(store_error)
    }

    fn describe(&self) -> String {
        self.0.describe()
    }
}

fn store_error(e: BstError) -> CoreError {
    CoreError::SecretStore {
        message: e.to_string(),
    }
}

/// Exposes a core (Rust) store through the foreign trait, e.g. the memory store.
struct CoreSecretStore(Arc<dyn core_platform::SecretStore>);

impl SecretStore for CoreSecretStore {
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, BstError> {
        Ok(self.0.get(&name)?)
    }

    fn set(&self, name: String, secret: Vec<u8>) -> Result<(), BstError> {
        Ok(self.0.set(&name, &secret)?)
    }

    fn delete(&self, name: String) -> Result<(), BstError> {
        Ok(self.0.delete(&name)?)
    }

    fn describe(&self) -> String {
        self.0.describe()
    }
}

struct ForeignLogger(Arc<dyn Logger>);

impl core_platform::Logger for ForeignLogger {
    fn log(&self, record: LogRecord) {
        // A logger that throws must not take the core down; the record is dropped.
        let _ = self.0.log(record);
    }
}
