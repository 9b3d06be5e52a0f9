//! One chunk of an upload, from a PATCH (or a POST with data, tus'
//! creation-with-upload): stream it to the file, record the new offset,
//! and finish the upload when it is complete.

use axum::body::Body;

use super::checksum::Expected;
use super::finish::{Finisher, Refusal};
use super::locks::Held;
use super::receive::{Outcome, Target, receive};
use super::store::{self, Upload};
use crate::clock::ms;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// Where the upload stands after a chunk.
pub(crate) struct Applied {
    pub(crate) offset: u64,
    /// Until a new PATCH; `None` once finished.
    pub(crate) expires_at_ms: Option<i64>,
    /// The material the upload became, once finished.
    pub(crate) material_id: Option<String>,
}

/// Writes `body` to `upload` (locked by `held`, at its current offset).
pub(crate) async fn apply(
    state: &AppState,
    user_id: &str,
    upload: &Upload,
    held: &mut Held,
    body: Body,
    checksum: Option<&Expected>,
) -> Result<Applied, Problem> {
    let uploads = &state.uploads;
    let path = uploads.files.upload(&upload.id);
    let target = Target {
        path: &path,
        offset: upload.offset,
        length: upload.length,
    };
    let received = receive(body, target, checksum, held)
        .await
        .map_err(|error| {
            tracing::error!(%error, upload_id = %upload.id, "writing an upload failed");
            Problem::internal()
        })?;

    let now = state.clock.now_ms();
    let expires_at_ms = now.saturating_add(ms(uploads.expiry));
    let (id, offset, read) = (upload.id.clone(), received.offset, received.read);
    if received.outcome == Outcome::NotAMaterial {
        state.db.call(move |conn| store::delete(conn, &id)).await?;
        super::files::remove_quietly(path).await;
        uploads.locks.forget(&upload.id);
        return Err(Problem::new(
            ProblemKind::UnsupportedMediaType,
            "The file is not a JPEG, PNG or PDF (by its first bytes); the upload was dropped.",
        )
        .with_extension("material_problem", Refusal::UnsupportedType.code()));
    }
    state
        .db
        .call(move |conn| store::record_patch(conn, &id, offset, read, expires_at_ms))
        .await?;

    match received.outcome {
        Outcome::Complete | Outcome::CutShort { kept: true } => {}
        Outcome::ChecksumMismatch => {
            return Err(Problem::new(
                ProblemKind::ChecksumMismatch,
                "The chunk doesn't match its Upload-Checksum and was discarded; send it again.",
            ));
        }
        Outcome::CutShort { kept: false } => {
            return Err(Problem::bad_request(
                "The body ended before Content-Length; a chunk with a checksum is kept only whole.",
            ));
        }
        Outcome::TooLong => {
            return Err(Problem::new(
                ProblemKind::PayloadTooLarge,
                "The chunk goes past Upload-Length and was discarded.",
            ));
        }
        Outcome::NotAMaterial => unreachable!("handled above"),
    }

    if offset < upload.length {
        return Ok(Applied {
            offset,
            expires_at_ms: Some(expires_at_ms),
            material_id: None,
        });
    }
    let finisher = Finisher {
        db: &state.db,
        files: &uploads.files,
        user_id,
        now_ms: now,
    };
    let finished = finisher.finish(upload, held).await;
    if let Err(problem) = &finished {
        if problem.kind() == ProblemKind::Internal {
            // The upload is intact; a retry may finish it.
            return Err(Problem::internal());
        }
    }
    uploads.locks.forget(&upload.id);
    let material = finished?;
    tracing::info!(upload_id = %upload.id, material_id = %material.id, "upload finished");
    Ok(Applied {
        offset,
        expires_at_ms: None,
        material_id: Some(material.id),
    })
}
