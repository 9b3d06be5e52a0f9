//! Choosing where `bst` keeps secrets, honestly.

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

pub fn open(choice: SecretStoreChoice) -> anyhow::Result<Arc<dyn SecretStore>> {
    Ok(match choice {
        SecretStoreChoice::Keyring => Arc::new(
            KeyringSecretStore::open(KEYSTORE_SERVICE)
                .context("the OS keystore is not usable here; pass --secret-store memory")?,
        ),
        SecretStoreChoice::Memory => Arc::new(MemorySecretStore::new()),
    })
}
