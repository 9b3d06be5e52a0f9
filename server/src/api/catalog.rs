//! The offline service-guide catalog: one guide by code, and the change feed
//! a client syncs its offline copy with.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::catalog::store::{self, ChangesOutcome};
use crate::etag::if_none_match_hits;
use crate::extract::ApiQuery;
use crate::feed_cursor::{self, Cursor};
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

pub(crate) const DEFAULT_LIMIT: usize = 200;
pub(crate) const MAX_LIMIT: usize = 1000;

/// `GET /api/v1/catalog/items/{code}`: the full guide, with an ETag made of
/// its code and revision.
pub(crate) async fn get_item(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let lookup = code.clone();
    let found = state.db.call(move |conn| store::get(conn, &lookup)).await?;
    let Some((body, revision)) = found else {
        return Err(Problem::new(
            ProblemKind::NotFound,
            "No service guide has this code.",
        ));
    };
    // Codes are ASCII letters, digits and '-', so the tag is a valid header.
    let etag = format!("\"{code}.r{revision}\"");
    let etag_value = HeaderValue::from_str(&etag).map_err(|_| Problem::internal())?;
    let cache = [
        (header::ETAG, etag_value),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if if_none_match_hits(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let json = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok((StatusCode::OK, cache, [json], body).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/catalog/changes?cursor=&limit=`: the changes after the
/// cursor in change order; each changed code appears once, as its latest
/// state (an upsert with the full guide, or a tombstone).
pub(crate) async fn changes(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Response, Problem> {
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let limit = feed_cursor::parse_limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let outcome = state
        .db
        .call(move |conn| store::changes(conn, cursor, limit))
        .await?;
    let page = match outcome {
        ChangesOutcome::Page(page) => page,
        ChangesOutcome::Expired => {
            return Err(feed_cursor::expired(
                "The change log no longer reaches back to this cursor; sync again from the beginning (no cursor).",
            ));
        }
    };
    // The guides are stored as JSON already, so the page is spliced rather
    // than parsed and re-serialised.
    let mut body = String::with_capacity(page.upserts.iter().map(String::len).sum::<usize>() + 128);
    body.push_str("{\"upserts\":[");
    for (i, guide) in page.upserts.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(guide);
    }
    body.push_str("],\"deletions\":");
    body.push_str(&serde_json::to_string(&page.deletions).map_err(|_| Problem::internal())?);
    body.push_str(&format!(
        ",\"next_cursor\":\"{}\",\"has_more\":{},\"remaining\":{}}}",
        page.next.format(),
        page.has_more,
        page.remaining
    ));
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}
