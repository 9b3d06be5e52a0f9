//! The personal databases opened in this process, one per user, and their removal.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::{Database, PersonalDbFiles, open_personal_db};
use crate::error::{Error, Result};
use crate::platform::SecretStore;

pub struct PersonalDbs {
    data_dir: PathBuf,
    secrets: Arc<dyn SecretStore>,
    open: Mutex<HashMap<String, Database>>,
}

impl PersonalDbs {
    pub fn new(data_dir: PathBuf, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            data_dir,
            secrets,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Opens (once per process) the personal database of `user_id`.
    pub async fn open(self: &Arc<Self>, user_id: &str) -> Result<Database> {
        if let Some(db) = self.lock().get(user_id) {
            return Ok(db.clone());
        }
        let this = self.clone();
        let user = user_id.to_owned();
        let db = tokio::task::spawn_blocking(move || {
            open_personal_db(&this.data_dir, &user, this.secrets.as_ref())
        })
        .await
        .map_err(|e| Error::storage(format!("opening personal data failed: {e}")))??;
        Ok(self.lock().entry(user_id.to_owned()).or_insert(db).clone())
    }

    /// Deletes `user_id`'s database files and its key. Other handles to the
    /// database keep working on the unlinked file until dropped, which is
    /// harmless: without the key nobody can read what remains.
    pub fn wipe(&self, user_id: &str) -> Result<()> {
        self.lock().remove(user_id);
        let files = PersonalDbFiles::for_user(&self.data_dir, user_id);
        let key_name = files.current_key_name();
        for file in files.companion_files() {
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::storage(format!("cannot delete personal data: {e}"))),
            }
        }
        // Photos waiting for upload are personal data too.
        crate::materials::remove_user_files(&self.data_dir, user_id)?;
        // The licence device keys belong to this user on this device.
        crate::licences::forget_device_keys(self.secrets.as_ref(), user_id)?;
        self.secrets.delete(&key_name)?;
        // A database from before key ids used the plain name.
        self.secrets.delete(&files.key_name)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Database>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }
}
