//! `/api/v1/materials`: the user's material library, a lookup by sha256
//! (so a client skips uploading what is already here), and the bytes.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::bearer::SignedIn;
use crate::materials::is_sha256_hex;
use crate::materials::store::{self, Material};
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct MaterialList {
    materials: Vec<Material>,
}

fn no_store<T: IntoResponse>(body: T) -> Response {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        body,
    )
        .into_response()
}

/// `GET /api/v1/materials`: newest first.
pub(crate) async fn list(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
) -> Result<Response, Problem> {
    let materials = state
        .db
        .call(move |conn| store::list(conn, &bearer.user_id))
        .await?;
    Ok(no_store(Json(MaterialList { materials })))
}

/// `GET /api/v1/materials/by-sha256/{sha256}`: the material with these
/// bytes, or 404.
pub(crate) async fn by_sha256(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(sha256): Path<String>,
) -> Result<Response, Problem> {
    let sha256 = sha256.to_ascii_lowercase();
    if !is_sha256_hex(&sha256) {
        return Err(Problem::bad_request(
            "A sha256 is 64 hex digits, the SHA-256 of the file's bytes.",
        ));
    }
    let found = state
        .db
        .call(move |conn| store::by_sha256(conn, &bearer.user_id, &sha256))
        .await?;
    let material = found.ok_or_else(|| {
        Problem::new(
            ProblemKind::NotFound,
            "You have no material with these bytes; upload it.",
        )
    })?;
    Ok(no_store(Json(material)))
}

/// `GET /api/v1/materials/{id}/content`: the bytes, streamed from disk.
pub(crate) async fn content(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let lookup = id.clone();
    let found = state
        .db
        .call(move |conn| store::get(conn, &bearer.user_id, &lookup))
        .await?;
    let material = found
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, "You have no material with this id."))?;
    let file = tokio::fs::File::open(state.uploads.files.material(&material.id))
        .await
        .map_err(|error| {
            tracing::error!(%error, material_id = %material.id, "a material's file is missing");
            Problem::internal()
        })?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        file,
        256 * 1024,
    ));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(material.media_type.mime()),
            ),
            (header::CONTENT_LENGTH, HeaderValue::from(material.size)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response())
}
