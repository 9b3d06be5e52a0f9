//! Choosing where `bst` keeps secrets, honestly.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use banshitong_core::platform::{KeyringSecretStore, MemorySecretStore, SecretStore};

/// Secrets are filed under this service name in the OS keystore.
pub const KEYSTORE_SERVICE: &str = "cn.gov.yn.banshitong.bst";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SecretStoreChoice {
    /// The operating system's keystore (keychain, credential manager, kernel keyutils).
    Keyring,
    /// Process memory: nothing survives this command.
    Memory,
}

/// Opens the chosen store for the client whose data lives in `data_dir`.
/// Each data folder is its own installation, with its own session and keys,
/// so the keystore entries are filed under the folder too.
pub fn open(choice: SecretStoreChoice, data_dir: &Path) -> anyhow::Result<Arc<dyn SecretStore>> {
    let folder = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let service = format!("{KEYSTORE_SERVICE}:{}", folder.display());
    Ok(match choice {
        SecretStoreChoice::Keyring => Arc::new(
            KeyringSecretStore::open(&service)
                .context("the OS keystore is not usable here; pass --secret-store memory")?,
        ),
        SecretStoreChoice::Memory => Arc::new(MemorySecretStore::new()),
    })
}
