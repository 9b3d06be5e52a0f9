//! Prepared files wait for their upload in the user's materials folder,
//! `<data folder>/materials/<user tag>/<item id>.<ext>`, readable by the app
//! alone, and are deleted once the upload is done or cancelled. The tag is
//! a hash of the user id (as for the personal database): a directory
//! listing names nobody.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::model::MediaType;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub(crate) struct MaterialFiles {
    dir: PathBuf,
}

impl MaterialFiles {
    pub(crate) fn for_user(data_dir: &Path, user_id: &str) -> Self {
        let tag = hex::encode(&Sha256::digest(user_id.as_bytes())[..12]);
        Self {
            dir: data_dir.join("materials").join(tag),
        }
    }

    /// Creates the folder (owner-only) if needed.
    pub(crate) fn ensure_dir(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| Error::storage(format!("cannot create the materials folder: {e}")))?;
        owner_only(&self.dir, 0o700)
    }

    /// Where `prepare` writes the file of item `id` before its type is known.
    pub(crate) fn staging_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.preparing"))
    }

    pub(crate) fn file_name(id: &str, media_type: MediaType) -> String {
        let ext = match media_type {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Pdf => "pdf",
        };
        format!("{id}.{ext}")
    }

    pub(crate) fn path(&self, file_name: &str) -> PathBuf {
        self.dir.join(file_name)
    }

    /// Moves a prepared file to its final name, readable by the owner only.
    pub(crate) fn keep(&self, staging: &Path, file_name: &str) -> Result<PathBuf> {
        let target = self.path(file_name);
        std::fs::rename(staging, &target)
            .map_err(|e| Error::storage(format!("cannot keep the prepared file: {e}")))?;
        owner_only(&target, 0o600)?;
        Ok(target)
    }

    /// Deletes a file; one already gone is fine.
    pub(crate) fn remove(&self, path: &Path) {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(error = %e, "cannot delete a prepared file"),
        }
    }

    /// Deletes files no queue item needs any more (left behind by a kill
    /// between preparing and queueing, or between finishing and deleting).
    pub(crate) fn remove_unlisted(&self, needed: &[String]) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Another handle may be preparing a file right now.
            let fresh = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() < 3600));
            if name.ends_with(".preparing") && fresh {
                continue;
            }
            if !needed.contains(&name) {
                self.remove(&entry.path());
            }
        }
    }
}

/// Deletes every prepared file of `user_id` (their data is being wiped).
pub(crate) fn remove_user_files(data_dir: &Path, user_id: &str) -> Result<()> {
    let files = MaterialFiles::for_user(data_dir, user_id);
    match std::fs::remove_dir_all(&files.dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::storage(format!(
            "cannot delete prepared materials: {e}"
        ))),
    }
}

#[cfg(unix)]
fn owner_only(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::storage(format!("cannot protect the materials folder: {e}")))
}

#[cfg(not(unix))]
fn owner_only(_: &Path, _: u32) -> Result<()> {
    // Elsewhere the app's private folder already belongs to the app alone.
    Ok(())
}
