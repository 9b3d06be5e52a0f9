//! The PATCH that completes an upload: the whole file is checked (type by
//! content, the declared type, the declared sha256) and becomes a material
//! of the user, or the existing one with the same sha256. A file refused
//! here is dropped with its upload: sending it again can't help.

use std::io::Read;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::files::{Files, remove_quietly};
use super::locks::Running;
use super::store::{self, Upload};
use crate::db::Db;
use crate::materials::sniff::SNIFF_BYTES;
use crate::materials::store::{self as materials, Material};
use crate::materials::{self as library, MediaType};
use crate::problem::{Problem, ProblemKind};

/// A material's file name is for people; it never names a file on disk.
const MAX_FILENAME_CHARS: usize = 120;

/// What `material_problem` says in a refusal; the client's next step
/// depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a JPEG, PNG or PDF by its content.
    UnsupportedType,
    /// A JPEG, PNG or PDF, but not the `filetype` declared.
    TypeMismatch,
    /// The bytes' SHA-256 is not the `sha256` declared: damaged on the way.
    Sha256Mismatch,
}

impl Refusal {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Refusal::UnsupportedType => "unsupported_type",
            Refusal::TypeMismatch => "type_mismatch",
            Refusal::Sha256Mismatch => "sha256_mismatch",
        }
    }

    fn problem(self, detail: String) -> Problem {
        Problem::new(ProblemKind::MaterialRefused, detail)
            .with_extension("material_problem", self.code())
    }
}

pub(crate) struct Finisher<'a> {
    pub(crate) db: &'a Db,
    pub(crate) files: &'a Files,
    pub(crate) user_id: &'a str,
    pub(crate) now_ms: i64,
}

impl Finisher<'_> {
    /// Turns the complete `upload` into a material. A refusal has already
    /// dropped the upload when it is returned.
    pub(crate) async fn finish(
        &self,
        upload: &Upload,
        running: &mut Running,
    ) -> Result<Material, Problem> {
        let path = self.files.upload(&upload.id);
        let known = match running.hash.take() {
            Some((covered, hasher)) if covered == upload.length => Some(hasher),
            _ => None,
        };
        let read_path = path.clone();
        let (head, hasher) = tokio::task::spawn_blocking(move || read_file(&read_path, known))
            .await
            .map_err(|error| internal("hashing task", &error))?
            .map_err(|error| internal("reading a finished upload", &error))?;
        let sha256 = hex::encode(hasher.finalize());

        let checked = check(upload, &head, &sha256);
        let media_type = match checked {
            Ok(media_type) => media_type,
            Err(problem) => {
                self.drop_upload(&upload.id, path).await?;
                return Err(problem);
            }
        };

        let candidate = Material {
            id: library::new_id(),
            sha256,
            size: upload.length,
            media_type,
            filename: display_name(upload.filename.as_deref(), media_type),
            created_at_ms: self.now_ms,
        };
        let material_path = self.files.material(&candidate.id);
        tokio::fs::rename(&path, &material_path)
            .await
            .map_err(|error| internal("moving an upload to the materials", &error))?;

        let (user_id, upload_id, row) = (
            self.user_id.to_owned(),
            upload.id.clone(),
            candidate.clone(),
        );
        let stored = self
            .db
            .call(move |conn| {
                let tx = conn.transaction()?;
                let held = materials::insert_or_existing(&tx, &user_id, &row)?;
                store::finish(&tx, &upload_id, &held.0.id)?;
                tx.commit()?;
                Ok(held)
            })
            .await;
        match stored {
            Ok((material, true)) => Ok(material),
            Ok((existing, false)) => {
                // Same bytes as a material the user holds: one copy is enough.
                remove_quietly(material_path).await;
                Ok(existing)
            }
            Err(error) => {
                // Put the bytes back so the finished upload can be retried.
                let _ = tokio::fs::rename(&material_path, &path).await;
                Err(error.into())
            }
        }
    }

    async fn drop_upload(&self, id: &str, path: PathBuf) -> Result<(), Problem> {
        let id = id.to_owned();
        self.db.call(move |conn| store::delete(conn, &id)).await?;
        remove_quietly(path).await;
        Ok(())
    }
}

/// The media type, if the file is one the declared metadata agrees with.
fn check(upload: &Upload, head: &[u8], sha256: &str) -> Result<MediaType, Problem> {
    let Some(media_type) = MediaType::sniff(head) else {
        return Err(Refusal::UnsupportedType
            .problem("The file is not a JPEG, PNG or PDF (by its content).".to_owned()));
    };
    if let Some(declared) = upload.filetype.as_deref() {
        if MediaType::from_mime(declared) != Some(media_type) {
            return Err(Refusal::TypeMismatch.problem(format!(
                "The file is a {} by its content, not the {declared} its metadata says.",
                media_type.mime()
            )));
        }
    }
    if let Some(declared) = upload.sha256.as_deref() {
        if declared != sha256 {
            return Err(Refusal::Sha256Mismatch.problem(
                "The bytes received don't have the sha256 the metadata declared; the file was \
                 damaged or changed on the way. Upload it again."
                    .to_owned(),
            ));
        }
    }
    Ok(media_type)
}

/// The first bytes, and the SHA-256 of the whole file unless `known`.
fn read_file(path: &std::path::Path, known: Option<Sha256>) -> std::io::Result<(Vec<u8>, Sha256)> {
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if let Some(hasher) = known {
        return Ok((head, hasher));
    }
    let mut hasher = Sha256::new();
    hasher.update(&head);
    let mut buffer = vec![0; 256 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok((head, hasher));
        }
        hasher.update(&buffer[..read]);
    }
}

/// The name a material is listed under: the declared file name without a
/// directory or control characters, else `material.<ext>`.
pub(crate) fn display_name(declared: Option<&str>, media_type: MediaType) -> String {
    let name: String = declared
        .map(|name| name.rsplit(['/', '\\']).next().unwrap_or(name))
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME_CHARS)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        format!("material.{}", media_type.extension())
    } else {
        name.to_owned()
    }
}

fn internal(what: &str, error: &dyn std::fmt::Display) -> Problem {
    tracing::error!(%error, "{what} failed");
    Problem::internal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names() {
        assert_eq!(
            display_name(Some("C:\\scans\\户口簿.pdf"), MediaType::Pdf),
            "户口簿.pdf"
        );
        assert_eq!(
            display_name(Some("../../etc/passwd"), MediaType::Pdf),
            "passwd"
        );
        assert_eq!(
            display_name(Some("a\u{0}b\nc.png"), MediaType::Png),
            "abc.png"
        );
        assert_eq!(display_name(Some("  "), MediaType::Jpeg), "material.jpg");
        assert_eq!(display_name(None, MediaType::Png), "material.png");
        assert_eq!(
            display_name(Some(&"长".repeat(500)), MediaType::Png)
                .chars()
                .count(),
            120
        );
    }
}
