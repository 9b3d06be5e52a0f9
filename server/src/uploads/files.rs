//! Where the bytes of uploads and materials live under the data dir.
//! Ids are checked (`is_upload_id`, material ids come from the database)
//! before they name a file, so a path can't escape these directories.

use std::path::{Path, PathBuf};

use anyhow::Context;

#[derive(Clone, Debug)]
pub(crate) struct Files {
    uploads: PathBuf,
    materials: PathBuf,
}

impl Files {
    pub(crate) fn open(data_dir: &Path) -> anyhow::Result<Files> {
        let files = Files {
            uploads: data_dir.join("uploads"),
            materials: data_dir.join("materials"),
        };
        for dir in [&files.uploads, &files.materials] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(files)
    }

    pub(crate) fn uploads_dir(&self) -> &Path {
        &self.uploads
    }

    pub(crate) fn materials_dir(&self) -> &Path {
        &self.materials
    }

    pub(crate) fn upload(&self, id: &str) -> PathBuf {
        self.uploads.join(id)
    }

    pub(crate) fn material(&self, id: &str) -> PathBuf {
        self.materials.join(id)
    }
}

/// Removes `path`; already gone is fine, anything else is logged (a stray
/// file is swept at the next start, never worth failing a request for).
pub(crate) async fn remove_quietly(path: PathBuf) {
    match tokio::fs::remove_file(&path).await {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(%error, path = %path.display(), "could not remove a file"),
    }
}
