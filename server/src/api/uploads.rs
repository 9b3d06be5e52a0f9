//! `/api/v1/uploads/`: tus 1.0.0 (core protocol; creation,
//! creation-with-upload, checksum, termination, expiration). Every answer
//! but OPTIONS carries `Tus-Resumable`, errors (problem+json) included.
//! The protocol's pieces are in `uploads/`.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::bearer::SignedIn;
use crate::materials::MediaType;
use crate::materials::is_sha256_hex;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::uploads::checksum::{self, Expected};
use crate::uploads::chunk::{self, Applied};
use crate::uploads::finish::Refusal;
use crate::uploads::metadata::Metadata;
use crate::uploads::store::{self, NewUpload, State as UploadState, Upload};
use crate::uploads::tus::{self, *};
use crate::uploads::{files, is_upload_id, new_id};

/// How long a DELETE waits for a PATCH in progress before answering 409:
/// long enough for the server to notice that a client which cancelled its
/// own PATCH has dropped the connection.
const DELETE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

/// `OPTIONS /api/v1/uploads/`: what this server speaks. No sign-in needed.
pub(crate) async fn options(State(state): State<AppState>) -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (TUS_RESUMABLE, HeaderValue::from_static(tus::VERSION)),
            (TUS_VERSION, HeaderValue::from_static(tus::VERSION)),
            (TUS_EXTENSION, HeaderValue::from_static(tus::EXTENSIONS)),
            (TUS_MAX_SIZE, decimal(state.uploads.max_bytes)),
            (
                TUS_CHECKSUM_ALGORITHM,
                HeaderValue::from_static(checksum::ALGORITHMS),
            ),
        ],
    )
        .into_response()
}

/// `POST /api/v1/uploads/`: creates an upload (201 with `Location`), and
/// with a body stores its first chunk too.
pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Result<SignedIn, Problem>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    tus::finish(create_upload(&state, auth, &headers, body).await)
}

async fn create_upload(
    state: &AppState,
    auth: Result<SignedIn, Problem>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    check_version(headers)?;
    let SignedIn(bearer) = auth?;
    if headers.contains_key(UPLOAD_DEFER_LENGTH) {
        return Err(Problem::bad_request(
            "This server needs the size up front: send Upload-Length, not Upload-Defer-Length.",
        ));
    }
    let length = number(headers, &UPLOAD_LENGTH)?
        .ok_or_else(|| Problem::bad_request("Send Upload-Length: the file's size in bytes."))?;
    let max = state.uploads.max_bytes;
    if length > max {
        return Err(Problem::new(
            ProblemKind::PayloadTooLarge,
            format!("A material may be at most {max} bytes (Tus-Max-Size)."),
        )
        .with_extension("material_problem", "too_large")
        .with_header(TUS_MAX_SIZE, decimal(max)));
    }
    if length == 0 {
        return Err(Problem::new(
            ProblemKind::MaterialRefused,
            "An empty file can't be a material.",
        )
        .with_extension("material_problem", "empty"));
    }
    let raw_metadata = match headers.get(UPLOAD_METADATA) {
        None => String::new(),
        Some(value) => value
            .to_str()
            .map_err(|_| Problem::bad_request("Upload-Metadata must be ASCII (values in base64)."))?
            .to_owned(),
    };
    let metadata = Metadata::parse(&raw_metadata).map_err(Problem::bad_request)?;
    let filetype = metadata.get("filetype");
    if filetype.is_some_and(|mime| MediaType::from_mime(mime).is_none()) {
        return Err(Problem::new(
            ProblemKind::UnsupportedMediaType,
            "A material is a JPEG, PNG or PDF; filetype names none of them.",
        )
        .with_extension("material_problem", Refusal::UnsupportedType.code()));
    }
    let sha256 = metadata.get("sha256").map(str::to_ascii_lowercase);
    if sha256.as_deref().is_some_and(|sha| !is_sha256_hex(sha)) {
        return Err(Problem::bad_request(
            "The sha256 metadata is the file's SHA-256 as 64 hex digits.",
        ));
    }
    let filename = metadata.get("filename").or_else(|| metadata.get("name"));
    // Checked before anything is stored: a bad chunk header is a 400 with
    // nothing created.
    let first_chunk = if is_offset_stream(headers) {
        Some(upload_checksum(headers)?)
    } else {
        None
    };

    let id = new_id();
    let path = state.uploads.files.upload(&id);
    tokio::fs::File::create(&path).await.map_err(|error| {
        tracing::error!(%error, "creating an upload file failed");
        Problem::internal()
    })?;
    let now = state.clock.now_ms();
    let expires_at_ms = now.saturating_add(crate::clock::ms(state.uploads.expiry));
    let row = (
        id.clone(),
        bearer.user_id.clone(),
        raw_metadata,
        filename.map(str::to_owned),
        filetype.map(str::to_owned),
        sha256,
    );
    let created = state
        .db
        .call(move |conn| {
            let (id, user_id, metadata, filename, filetype, sha256) = &row;
            store::create(
                conn,
                &NewUpload {
                    id,
                    user_id,
                    length,
                    metadata,
                    filename: filename.as_deref(),
                    filetype: filetype.as_deref(),
                    sha256: sha256.as_deref(),
                    now_ms: now,
                    expires_at_ms,
                },
            )?;
            store::get(conn, user_id, id)
        })
        .await;
    let upload = match created {
        Ok(Some(upload)) => upload,
        Ok(None) | Err(_) => {
            files::remove_quietly(path).await;
            return Err(Problem::internal());
        }
    };
    tracing::info!(upload_id = %id, length, "upload created");

    let mut response = (StatusCode::CREATED, [(header::LOCATION, location(&id))]).into_response();
    let applied = match first_chunk {
        None => Applied {
            offset: 0,
            expires_at_ms: Some(expires_at_ms),
            material_id: None,
        },
        Some(checksum) => {
            let Some(mut held) = state.uploads.locks.try_hold(&id) else {
                return Err(Problem::internal());
            };
            match chunk::apply(
                state,
                &bearer.user_id,
                &upload,
                &mut held,
                body,
                checksum.as_ref(),
            )
            .await
            {
                Ok(applied) => applied,
                // The upload exists; a discarded first chunk is sent again
                // with PATCH, so the client needs the Location.
                Err(problem)
                    if matches!(
                        problem.kind(),
                        ProblemKind::ChecksumMismatch | ProblemKind::BadRequest
                    ) =>
                {
                    Applied {
                        offset: 0,
                        expires_at_ms: Some(expires_at_ms),
                        material_id: None,
                    }
                }
                Err(problem) => return Err(problem),
            }
        }
    };
    if is_offset_stream(headers) {
        response
            .headers_mut()
            .insert(UPLOAD_OFFSET, decimal(applied.offset));
    }
    add_progress_headers(&mut response, &applied);
    Ok(response)
}

/// `HEAD /api/v1/uploads/{id}`: where the upload stands.
pub(crate) async fn head(
    State(state): State<AppState>,
    auth: Result<SignedIn, Problem>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    tus::finish(head_upload(&state, auth, &id, &headers).await)
}

async fn head_upload(
    state: &AppState,
    auth: Result<SignedIn, Problem>,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, Problem> {
    check_version(headers)?;
    let SignedIn(bearer) = auth?;
    let upload = load(state, &bearer.user_id, id).await?;
    let mut response = (
        StatusCode::OK,
        [
            (UPLOAD_OFFSET, decimal(upload.offset)),
            (UPLOAD_LENGTH, decimal(upload.length)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response();
    if !upload.metadata.is_empty() {
        if let Ok(value) = HeaderValue::from_str(&upload.metadata) {
            response.headers_mut().insert(UPLOAD_METADATA, value);
        }
    }
    add_progress_headers(
        &mut response,
        &Applied {
            offset: upload.offset,
            expires_at_ms: (upload.state == UploadState::Receiving).then_some(upload.expires_at_ms),
            material_id: upload.material_id,
        },
    );
    Ok(response)
}

/// `PATCH /api/v1/uploads/{id}`: the next chunk, at `Upload-Offset`.
pub(crate) async fn patch(
    State(state): State<AppState>,
    auth: Result<SignedIn, Problem>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    tus::finish(patch_upload(&state, auth, &id, &headers, body).await)
}

async fn patch_upload(
    state: &AppState,
    auth: Result<SignedIn, Problem>,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    check_version(headers)?;
    let SignedIn(bearer) = auth?;
    if !is_offset_stream(headers) {
        return Err(Problem::new(
            ProblemKind::UnsupportedMediaType,
            format!("A PATCH body is Content-Type: {OFFSET_OCTET_STREAM}."),
        ));
    }
    let offset = number(headers, &UPLOAD_OFFSET)?
        .ok_or_else(|| Problem::bad_request("Send Upload-Offset: where this chunk starts."))?;
    let checksum = upload_checksum(headers)?;
    if !is_upload_id(id) {
        return Err(not_found());
    }
    let Some(mut held) = state.uploads.locks.try_hold(id) else {
        return Err(Problem::new(
            ProblemKind::Conflict,
            "Another PATCH to this upload is in progress; ask HEAD for the offset when it ends.",
        ));
    };
    let upload = loaded(state, &bearer.user_id, id).await?;
    if offset != upload.offset {
        return Err(Problem::new(
            ProblemKind::Conflict,
            format!(
                "Upload-Offset is {offset} but the upload has {} bytes; continue from there.",
                upload.offset
            ),
        )
        .with_extension("upload_offset", upload.offset)
        .with_header(UPLOAD_OFFSET, decimal(upload.offset)));
    }
    if upload.state == UploadState::Finished {
        // The last chunk again, after its answer was lost: nothing to write.
        let mut response = StatusCode::NO_CONTENT.into_response();
        response
            .headers_mut()
            .insert(UPLOAD_OFFSET, decimal(upload.offset));
        add_progress_headers(
            &mut response,
            &Applied {
                offset: upload.offset,
                expires_at_ms: None,
                material_id: upload.material_id,
            },
        );
        return Ok(response);
    }
    let declared = number(headers, &header::CONTENT_LENGTH)?;
    if declared.is_some_and(|len| len > upload.length - upload.offset) {
        return Err(Problem::new(
            ProblemKind::PayloadTooLarge,
            format!(
                "The chunk goes past Upload-Length: {} bytes are left to send.",
                upload.length - upload.offset
            ),
        ));
    }
    let applied = chunk::apply(
        state,
        &bearer.user_id,
        &upload,
        &mut held,
        body,
        checksum.as_ref(),
    )
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(UPLOAD_OFFSET, decimal(applied.offset));
    add_progress_headers(&mut response, &applied);
    Ok(response)
}

/// `DELETE /api/v1/uploads/{id}` (termination): drops the upload and its
/// bytes. A finished upload's material stays in the library.
pub(crate) async fn delete(
    State(state): State<AppState>,
    auth: Result<SignedIn, Problem>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    tus::finish(delete_upload(&state, auth, &id, &headers).await)
}

async fn delete_upload(
    state: &AppState,
    auth: Result<SignedIn, Problem>,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, Problem> {
    check_version(headers)?;
    let SignedIn(bearer) = auth?;
    if !is_upload_id(id) {
        return Err(not_found());
    }
    let Some(held) = state.uploads.locks.hold(id, DELETE_PATIENCE).await else {
        return Err(Problem::new(
            ProblemKind::Conflict,
            "A PATCH to this upload is still in progress; try again when it ends.",
        ));
    };
    let upload = loaded(state, &bearer.user_id, id).await?;
    let row_id = upload.id.clone();
    state
        .db
        .call(move |conn| store::delete(conn, &row_id))
        .await?;
    files::remove_quietly(state.uploads.files.upload(id)).await;
    state.uploads.locks.forget(id);
    drop(held);
    tracing::info!(upload_id = %id, "upload terminated");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The caller's upload `id`: 404 when unknown (or someone else's), 410
/// when it expired.
async fn load(state: &AppState, user_id: &str, id: &str) -> Result<Upload, Problem> {
    if !is_upload_id(id) {
        return Err(not_found());
    }
    let (user_id, lookup) = (user_id.to_owned(), id.to_owned());
    let upload = state
        .db
        .call(move |conn| store::get(conn, &user_id, &lookup))
        .await?
        .ok_or_else(not_found)?;
    if upload.is_expired(state.clock.now_ms()) {
        return Err(Problem::new(
            ProblemKind::Gone,
            "The upload expired and its bytes were deleted; start a new upload.",
        ));
    }
    Ok(upload)
}

/// `load` for a caller holding the upload's lock: an upload that can't be
/// written (unknown, someone else's, expired) leaves no lock entry behind.
async fn loaded(state: &AppState, user_id: &str, id: &str) -> Result<Upload, Problem> {
    let found = load(state, user_id, id).await;
    if found.is_err() {
        state.uploads.locks.forget(id);
    }
    found
}

fn not_found() -> Problem {
    Problem::new(
        ProblemKind::NotFound,
        "You have no upload with this id (it may have been terminated).",
    )
}

fn location(id: &str) -> HeaderValue {
    // `up_` and hex digits: always a valid header value.
    HeaderValue::from_str(&format!("/api/v1/uploads/{id}"))
        .unwrap_or(HeaderValue::from_static("/api/v1/uploads/"))
}

fn is_offset_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(OFFSET_OCTET_STREAM))
}

fn upload_checksum(headers: &HeaderMap) -> Result<Option<Expected>, Problem> {
    headers
        .get(UPLOAD_CHECKSUM)
        .map(|value| {
            value
                .to_str()
                .map_err(|_| Problem::bad_request("Upload-Checksum must be ASCII."))
                .and_then(|text| Expected::parse(text).map_err(Problem::bad_request))
        })
        .transpose()
}

/// `Upload-Expires` while unfinished, `Material-Id` once finished.
fn add_progress_headers(response: &mut Response, applied: &Applied) {
    let headers = response.headers_mut();
    if let Some(expires_at_ms) = applied.expires_at_ms {
        headers.insert(UPLOAD_EXPIRES, http_date(expires_at_ms));
    }
    if let Some(material_id) = &applied.material_id {
        if let Ok(value) = HeaderValue::from_str(material_id) {
            headers.insert(MATERIAL_ID, value);
        }
    }
}
