//! One file per command group.

pub mod account;
pub mod apps;
pub mod demo;
pub mod drafts;
pub mod guides;
pub mod licences;
pub mod materials;
pub mod reference;
pub mod serve;

use std::path::PathBuf;

use anyhow::Context;
use banshitong_core::{Client, ClientConfig};

use crate::secrets::{self, SecretStoreChoice};

/// Where the signed-in user's preferred region (a GB/T 2260 code) is kept
/// in their preferences; searches rank its guides first.
pub const PREFERRED_REGION_KEY: &str = "preferred_region";

/// A command the user stopped with Ctrl-C, cleanly: it has said so already,
/// and `bst` exits with status 130 without an error line.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// The global options every client command shares.
pub struct Session {
    pub api: String,
    pub data: Option<PathBuf>,
    pub secret_store: SecretStoreChoice,
    pub json: bool,
}

impl Session {
    /// A signed-in account's domain (drafts, materials, licences) as the
    /// core opened it, or why there is none to open, worded for this CLI.
    pub fn signed_in<T>(
        &self,
        what: &str,
        opened: banshitong_core::Result<T>,
    ) -> anyhow::Result<T> {
        match opened {
            Ok(domain) => Ok(domain),
            Err(banshitong_core::Error::Unauthorized) => {
                let hint = match self.secret_store {
                    SecretStoreChoice::Memory => {
                        " (with --secret-store memory no sign-in outlasts a command)"
                    }
                    SecretStoreChoice::Keyring | SecretStoreChoice::InsecureFile => "",
                };
                anyhow::bail!(
                    "not signed in: {what} belong to a signed-in account; `bst login --phone …` first{hint}"
                )
            }
            Err(banshitong_core::Error::SessionExpired { reason }) => {
                anyhow::bail!("the session expired ({reason}); sign in again with `bst login`")
            }
            Err(e) => {
                Err(anyhow::Error::new(e).context(format!("cannot open this account's {what}")))
            }
        }
    }
}

impl Session {
    /// Builds a core client from the options, telling the user (on stderr)
    /// which secret store holds their keys and whether it lasts.
    pub fn client(&self) -> anyhow::Result<Client> {
        let data_dir = match &self.data {
            Some(dir) => dir.clone(),
            None => default_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
        let store = secrets::open(self.secret_store, &data_dir)?;
        if !self.json {
            eprintln!("secret store: {}", store.describe());
        }
        Client::new(ClientConfig::new(&self.api, data_dir), store)
            .context("cannot set up the client")
    }
}

/// `$XDG_DATA_HOME/banshitong`, else `~/.local/share/banshitong`.
fn default_data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("banshitong"));
    }
    let home = std::env::var_os("HOME").context("set --data (no HOME to put data under)")?;
    Ok(PathBuf::from(home).join(".local/share/banshitong"))
}
