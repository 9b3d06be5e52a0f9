//! What verifiers fetch and cache, without signing in:
//! `GET /api/v1/trust/issuers` (the issuer public keys) and
//! `GET /api/v1/trust/status-lists/{id}` (a signed revocation list).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::trust::issuer_keys::ISSUER_NAME;
use crate::trust::status_lists;

/// Keys change only with a new data dir; a day of caching is safe and a
/// verifier that meets an unknown kid fetches again anyway.
const ISSUERS_MAX_AGE: &str = "public, max-age=86400";

#[derive(Serialize)]
struct PublishedIssuer {
    kid: String,
    suite: &'static str,
    public_key: String,
    name: &'static str,
}

#[derive(Serialize)]
struct Issuers {
    issuers: Vec<PublishedIssuer>,
}

pub(crate) async fn issuers(State(state): State<AppState>) -> Response {
    let issuers = state
        .issuer
        .keys
        .all()
        .map(|key| PublishedIssuer {
            kid: key.kid().to_hex(),
            suite: key.suite().as_str(),
            public_key: URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
            name: ISSUER_NAME,
        })
        .collect();
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static(ISSUERS_MAX_AGE),
        )],
        Json(Issuers { issuers }),
    )
        .into_response()
}

#[derive(Serialize)]
struct SignedStatusList {
    id: String,
    /// The COSE_Sign1, base64url.
    cose: String,
}

pub(crate) async fn status_list(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let now = state.clock.now_ms();
    let keys = state.issuer.keys.clone();
    let ttl_s = state.issuer.status_list_ttl.as_secs();
    let list_id = id.clone();
    let signed = state
        .db
        .call(move |conn| status_lists::current(conn, &keys, &list_id, ttl_s, now))
        .await?
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, format!("No status list {id}.")))?;
    let cache_control = HeaderValue::from_str(&format!("public, max-age={ttl_s}"))
        .unwrap_or_else(|_| HeaderValue::from_static("no-cache"));
    Ok((
        [(header::CACHE_CONTROL, cache_control)],
        Json(SignedStatusList {
            id,
            cose: URL_SAFE_NO_PAD.encode(signed),
        }),
    )
        .into_response())
}
