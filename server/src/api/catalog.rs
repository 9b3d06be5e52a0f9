//! The offline service-guide catalog: one guide by code, and the change feed
//! a client syncs its offline copy with.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::catalog::store::{self, ChangesOutcome, Cursor};
use crate::etag::if_none_match_hits;
use crate::extract::ApiQuery;
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

/// A number of at most 18 digits (no sign, no spaces).
fn seq(digits: &str) -> Option<i64> {
    (!digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// `c<seq>` (caught up once), `f<seq>.<watermark>` (inside a full pass);
/// the empty cursor starts a full pass.
fn parse_cursor(cursor: Option<&str>) -> Result<Cursor, Problem> {
    let parsed = match cursor {
        None | Some("") => Some(Cursor::Start),
        Some(text) => {
            if let Some(rest) = text.strip_prefix('c') {
                seq(rest).map(Cursor::Since)
            } else if let Some(rest) = text.strip_prefix('f') {
                rest.split_once('.').and_then(|(after, watermark)| {
                    Some(Cursor::FullPass {
                        after: seq(after)?,
                        watermark: seq(watermark)?,
                    })
                })
            } else {
                None
            }
        }
    };
    parsed.ok_or_else(|| {
        Problem::bad_request("cursor is malformed; use a next_cursor the server sent, or none.")
    })
}

fn format_cursor(cursor: Cursor) -> String {
    match cursor {
        Cursor::Start => String::new(),
        Cursor::Since(seq) => format!("c{seq}"),
        Cursor::FullPass { after, watermark } => format!("f{after}.{watermark}"),
    }
}

fn parse_limit(limit: Option<&str>) -> Result<usize, Problem> {
    match limit {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| Problem::bad_request(format!("limit must be 1 to {MAX_LIMIT}."))),
    }
}

/// `GET /api/v1/catalog/changes?cursor=&limit=`: the changes after the
/// cursor in change order; each changed code appears once, as its latest
/// state (an upsert with the full guide, or a tombstone).
pub(crate) async fn changes(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Response, Problem> {
    let cursor = parse_cursor(query.cursor.as_deref())?;
    let limit = parse_limit(query.limit.as_deref())?;
    let outcome = state
        .db
        .call(move |conn| store::changes(conn, cursor, limit))
        .await?;
    let page = match outcome {
        ChangesOutcome::Page(page) => page,
        ChangesOutcome::Expired => {
            return Err(Problem::new(
                ProblemKind::CursorExpired,
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
        format_cursor(page.next),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_and_limits() {
        assert_eq!(parse_cursor(None).unwrap(), Cursor::Start);
        assert_eq!(parse_cursor(Some("")).unwrap(), Cursor::Start);
        assert_eq!(parse_cursor(Some("c42")).unwrap(), Cursor::Since(42));
        assert_eq!(
            parse_cursor(Some("f42.7")).unwrap(),
            Cursor::FullPass {
                after: 42,
                watermark: 7
            }
        );
        for cursor in [
            Cursor::Since(3),
            Cursor::FullPass {
                after: 9,
                watermark: 2,
            },
        ] {
            assert_eq!(parse_cursor(Some(&format_cursor(cursor))).unwrap(), cursor);
        }
        for bad in [
            "42",
            "c",
            "c-1",
            "cx",
            "c1234567890123456789",
            "C1",
            "f1",
            "f1.",
            "f.2",
            "f1.2.3",
        ] {
            assert!(parse_cursor(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_limit(None).unwrap(), DEFAULT_LIMIT);
        assert_eq!(parse_limit(Some("1000")).unwrap(), 1000);
        for bad in ["0", "1001", "-1", "x"] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
