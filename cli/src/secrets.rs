//! Choosing where `bst` keeps secrets, honestly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use banshitong_core::Error;
use banshitong_core::platform::{KeyringSecretStore, MemorySecretStore, SecretStore};

/// Secrets are filed under this service name in the OS keystore.
pub const KEYSTORE_SERVICE: &str = "cn.gov.yn.banshitong.bst";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SecretStoreChoice {
    /// The operating system's keystore (keychain, credential manager, kernel keyutils).
    Keyring,
    /// Process memory: nothing survives this command.
    Memory,
    /// A plain file in the data folder, NOT protected: anyone who can read
    /// the folder can read the data. For tests and throw-away folders only.
    InsecureFile,
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
        SecretStoreChoice::InsecureFile => Arc::new(FileSecretStore::new(data_dir)),
    })
}

/// Secrets in `insecure-secrets.json` in the data folder (owner-only
/// permissions, written whole and renamed into place). It keeps a signed-in
/// session across commands where no OS keystore is usable or wanted (tests,
/// CI containers whose seccomp profile blocks keyutils), and says loudly that
/// it protects nothing: the database keys lie next to the databases.
pub struct FileSecretStore {
    path: PathBuf,
    lock: Mutex<()>,
}

const SECRETS_FILE: &str = "insecure-secrets.json";

impl FileSecretStore {
    pub fn new(data_dir: &Path) -> Self {
        FileSecretStore {
            path: data_dir.join(SECRETS_FILE),
            lock: Mutex::new(()),
        }
    }

    fn read(&self) -> banshitong_core::Result<BTreeMap<String, Vec<u8>>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| store_error(format!("{} is damaged: {e}", self.path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(store_error(format!(
                "cannot read {}: {e}",
                self.path.display()
            ))),
        }
    }

    fn write(&self, secrets: &BTreeMap<String, Vec<u8>>) -> banshitong_core::Result<()> {
        let bytes = serde_json::to_vec(secrets).map_err(|e| store_error(e.to_string()))?;
        let temp = self.path.with_extension("json.tmp");
        let fail = |e: std::io::Error| store_error(format!("cannot write {}: {e}", temp.display()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp).map_err(fail)?;
        std::io::Write::write_all(&mut file, &bytes).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&temp, &self.path).map_err(fail)
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn store_error(message: String) -> Error {
    Error::SecretStore { message }
}

impl SecretStore for FileSecretStore {
    fn get(&self, name: &str) -> banshitong_core::Result<Option<Vec<u8>>> {
        let _guard = self.guard();
        Ok(self.read()?.remove(name))
    }

    fn set(&self, name: &str, secret: &[u8]) -> banshitong_core::Result<()> {
        let _guard = self.guard();
        let mut secrets = self.read()?;
        secrets.insert(name.to_owned(), secret.to_vec());
        self.write(&secrets)
    }

    fn delete(&self, name: &str) -> banshitong_core::Result<()> {
        let _guard = self.guard();
        let mut secrets = self.read()?;
        if secrets.remove(name).is_some() {
            self.write(&secrets)?;
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "plain file {} (NOT secure: keys lie next to the data; tests and throw-away folders only)",
            self.path.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_store_keeps_secrets_across_instances() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSecretStore::new(dir.path());
        assert_eq!(store.get("a").unwrap(), None);
        store.set("a", b"one").unwrap();
        store.set("b", &[0, 255]).unwrap();
        let again = FileSecretStore::new(dir.path());
        assert_eq!(again.get("a").unwrap(), Some(b"one".to_vec()));
        assert_eq!(again.get("b").unwrap(), Some(vec![0, 255]));
        again.delete("a").unwrap();
        again.delete("never").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRETS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
