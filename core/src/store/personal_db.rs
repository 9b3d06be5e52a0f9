//! `user-<id>.db`: one person's data, encrypted with SQLCipher.
//!
//! The key is 256 random bits made on first use and kept only in the
//! SecretStore. A file we cannot open (damaged, or its key lost or wrong) is
//! never deleted: it is renamed with a timestamp, so support can still
//! recover it, and the caller is told where it went.

use std::path::{Path, PathBuf};

use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;
use zeroize::Zeroizing;

use super::connection::open_connection;
use super::error::is_unreadable_file;
use super::{Database, schema};
use crate::error::{Error, Result};
use crate::platform::SecretStore;

/// Where one user's personal database and its key live.
#[derive(Debug, Clone)]
pub struct PersonalDbFiles {
    pub path: PathBuf,
    /// The key's name for databases made before keys had their own ids
    /// (and the prefix of every later key name).
    pub key_name: String,
    /// `user-<tag>.db.key-id`: which key this database uses. Not secret.
    /// Every new database gets a fresh key id, so creating a key never
    /// overwrites an older one — a keystore that fails to find a key once
    /// must not cost the database kept aside because of it.
    key_id_path: PathBuf,
}

impl PersonalDbFiles {
    /// The file name is derived from a hash of the user id, so a directory
    /// listing reveals neither a phone number nor an account id.
    pub fn for_user(data_dir: &Path, user_id: &str) -> Self {
        let digest = Sha256::digest(user_id.as_bytes());
        let tag = hex::encode(&digest[..12]);
        Self {
            path: data_dir.join(format!("user-{tag}.db")),
            key_name: format!("personal-db-key/{tag}"),
            key_id_path: data_dir.join(format!("user-{tag}.db.key-id")),
        }
    }

    /// The name of the key this database uses.
    pub fn current_key_name(&self) -> String {
        match std::fs::read_to_string(&self.key_id_path) {
            Ok(id) if !id.trim().is_empty() => format!("{}/{}", self.key_name, id.trim()),
            _ => self.key_name.clone(),
        }
    }

    /// A fresh key name for a new database, recorded before the key exists.
    fn new_key_name(&self) -> Result<String> {
        let mut id = [0u8; 8];
        rand::rng().fill_bytes(&mut id);
        let id = hex::encode(id);
        std::fs::write(&self.key_id_path, &id)
            .map_err(|e| Error::storage(format!("cannot record the personal key id: {e}")))?;
        Ok(format!("{}/{id}", self.key_name))
    }

    pub(crate) fn companion_files(&self) -> [PathBuf; 4] {
        let name = self.path.to_string_lossy().into_owned();
        [
            self.path.clone(),
            PathBuf::from(format!("{name}-wal")),
            PathBuf::from(format!("{name}-shm")),
            self.key_id_path.clone(),
        ]
    }
}

pub fn open_personal_db(
    data_dir: &Path,
    user_id: &str,
    secrets: &dyn SecretStore,
) -> Result<Database> {
    let files = PersonalDbFiles::for_user(data_dir, user_id);
    let key_name = files.current_key_name();
    let key = match read_key(secrets, &key_name)? {
        Some(key) => key,
        None if files.path.exists() => match read_key_again(secrets, &key_name)? {
            Some(key) => key,
            None => {
                return Err(keep_aside(
                    &files,
                    "its key is missing from the secret store",
                ));
            }
        },
        None => create_key(secrets, &files.new_key_name()?)?,
    };
    let mut conn = match open_connection(&files.path, Some(&key)) {
        Ok(conn) => conn,
        Err(e) if is_unreadable_file(&e) => {
            return Err(keep_aside(&files, "it is damaged or its key does not fit"));
        }
        Err(e) => return Err(e.into()),
    };
    schema::PERSONAL.apply(&mut conn)?;
    Ok(Database::new(conn))
}

fn read_key(secrets: &dyn SecretStore, name: &str) -> Result<Option<Zeroizing<[u8; 32]>>> {
    let Some(bytes) = secrets.get(name)?.map(Zeroizing::new) else {
        return Ok(None);
    };
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| Error::SecretStore {
            message: format!("secret '{name}' is not a 256-bit key"),
        })?;
    Ok(Some(Zeroizing::new(key)))
}

/// Some keystores miss an existing key now and then; a database is only
/// kept aside once the key stayed missing for a few tries.
fn read_key_again(secrets: &dyn SecretStore, name: &str) -> Result<Option<Zeroizing<[u8; 32]>>> {
    for wait_ms in [20, 100, 400] {
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        if let Some(key) = read_key(secrets, name)? {
            tracing::warn!("the secret store found the personal key only on a retry");
            return Ok(Some(key));
        }
    }
    Ok(None)
}

fn create_key(secrets: &dyn SecretStore, name: &str) -> Result<Zeroizing<[u8; 32]>> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(key.as_mut());
    secrets.set(name, key.as_ref())?;
    Ok(key)
}

/// Renames the database (and its WAL and shared-memory files) out of the way.
fn keep_aside(files: &PersonalDbFiles, reason: &str) -> Error {
    let stamp = OffsetDateTime::now_utc()
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".to_owned());
    let mut kept_at = None;
    for file in files.companion_files() {
        if !file.exists() {
            continue;
        }
        let target = PathBuf::from(format!("{}.unreadable-{stamp}", file.display()));
        if let Err(e) = std::fs::rename(&file, &target) {
            return Error::storage(format!(
                "personal data could not be opened ({reason}) and could not be moved aside: {e}"
            ));
        }
        kept_at.get_or_insert(target);
    }
    tracing::warn!(reason, "personal database kept aside");
    Error::PersonalDataKeptAside {
        kept_at: kept_at.unwrap_or_else(|| files.path.clone()),
        reason: reason.to_owned(),
    }
}
