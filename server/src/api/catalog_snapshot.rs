//! `GET /api/v1/catalog/snapshot`: the whole catalog as one gzip file for a
//! first install (see `catalog::snapshot` for the document).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::catalog::store;
use crate::etag::if_none_match_hits;
use crate::problem::Problem;
use crate::state::AppState;

/// `"snapshot-c<seq>"`: every change to a guide takes a new seq, so the tag
/// moves exactly when the catalog does, and is known without building.
fn etag(seq: i64) -> String {
    format!("\"snapshot-c{seq}\"")
}

pub(crate) async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let seq = state.db.call(|conn| store::latest_seq(conn)).await?;
    // A client holding the current snapshot is answered from the change log
    // alone, without touching the guides.
    let current = etag(seq);
    if if_none_match_hits(&headers, &current) {
        return Ok((StatusCode::NOT_MODIFIED, cache_headers(&current)?).into_response());
    }
    let snapshot = state
        .catalog_snapshot
        .at_least(seq, &state.db, state.clock.now_ms())
        .await
        .map_err(|error| {
            tracing::error!(
                error = format!("{error:#}"),
                "building the catalog snapshot failed"
            );
            Problem::internal()
        })?;
    // Named by its cursor, so a file saved with `curl -OJ` (or shipped in an
    // app package) says which change-log position it continues from.
    let disposition = format!(
        "attachment; filename=\"catalog-snapshot-c{}.json.gz\"",
        snapshot.seq
    );
    Ok((
        StatusCode::OK,
        cache_headers(&etag(snapshot.seq))?,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/gzip"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| Problem::internal())?,
            ),
        ],
        snapshot.gzip.clone(),
    )
        .into_response())
}

/// The ETag, and `no-cache`: a client may keep the file but revalidates it
/// before trusting it is current.
fn cache_headers(etag: &str) -> Result<[(header::HeaderName, HeaderValue); 2], Problem> {
    Ok([
        (
            header::ETAG,
            HeaderValue::from_str(etag).map_err(|_| Problem::internal())?,
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ])
}
