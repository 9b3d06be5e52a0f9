//! `catalog.db`: a cache of public data. If it is damaged we delete it and
//! start again: everything in it can be fetched from the platform.

use std::path::Path;

use super::connection::open_connection;
use super::error::is_unreadable_file;
use super::{Database, schema};
use crate::error::{Error, Result};

pub const CATALOG_FILE: &str = "catalog.db";

pub fn open_catalog_db(data_dir: &Path) -> Result<Database> {
    let path = data_dir.join(CATALOG_FILE);
    match open_and_migrate(&path) {
        Ok(db) => Ok(db),
        Err(OpenFailure::Unreadable(e)) => {
            tracing::warn!(error = %e, "catalog cache is damaged; rebuilding it");
            remove_database_files(&path)?;
            open_and_migrate(&path).map_err(OpenFailure::into_error)
        }
        Err(other) => Err(other.into_error()),
    }
}

enum OpenFailure {
    Unreadable(rusqlite::Error),
    Other(Error),
}

impl OpenFailure {
    fn into_error(self) -> Error {
        match self {
            OpenFailure::Unreadable(e) => e.into(),
            OpenFailure::Other(e) => e,
        }
    }
}

fn open_and_migrate(path: &Path) -> std::result::Result<Database, OpenFailure> {
    let classify = |e: rusqlite::Error| {
        if is_unreadable_file(&e) {
            OpenFailure::Unreadable(e)
        } else {
            OpenFailure::Other(e.into())
        }
    };
    let mut conn = open_connection(path, None).map_err(classify)?;
    schema::CATALOG
        .apply(&mut conn)
        .map_err(OpenFailure::Other)?;
    Ok(Database::new(conn))
}

fn remove_database_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = path.with_file_name(format!(
            "{}{suffix}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::storage(format!(
                    "cannot remove damaged catalog: {e}"
                )));
            }
        }
    }
    Ok(())
}
