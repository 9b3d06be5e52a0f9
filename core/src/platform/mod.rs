//! What the host platform provides to the core: a place for secrets and a
//! sink for logs. Native apps pass their own (Android Keystore, iOS keychain,
//! Logcat, os_log) through the bindings; Rust hosts use the defaults here.

mod keyring_store;
mod logger;
mod secret_store;

pub use keyring_store::KeyringSecretStore;
pub use logger::{LogLevel, LogRecord, Logger, forward_logs_to};
pub use secret_store::{MemorySecretStore, SecretStore};
