//! `GET /api/v1/applications/changes?cursor=&limit=`: the caller's
//! applications that changed after a cursor, in `change_seq` order, each
//! number once (its latest state), with tombstones for those taken out of
//! the list. No cursor: everything the user has. A cursor from before the
//! compaction horizon (or beyond any change) is 410 `cursor-expired`: the
//! client starts again without one and drops what that pass didn't return.
//!
//! Cursors are opaque to clients. `c<seq>` means "caught up to seq". Inside
//! a full pass (one that began without a cursor) the pages hand out
//! `f<seq>.<horizon>`: a pass needs no tombstones from before it began (the
//! client drops what the pass did not bring), so its cursor stays valid
//! below the horizon — unless a compaction happened since the pass began,
//! which may have dropped a tombstone of an application the pass already
//! sent. The last page of a pass answers a `c` cursor.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::applications::feed::{self, Change};
use crate::applications::view::Application;
use crate::auth::bearer::SignedIn;
use crate::extract::ApiQuery;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

pub(crate) const DEFAULT_LIMIT: usize = 200;
pub(crate) const MAX_LIMIT: usize = 500;

#[derive(Deserialize)]
pub(crate) struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// Where a client stands in the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cursor {
    /// No cursor: a full pass from the start.
    Start,
    /// `c<seq>`: everything up to `seq` seen.
    Since(i64),
    /// `f<seq>.<horizon>`: part-way through a full pass that began when the
    /// horizon was `horizon`.
    FullPass { after: i64, horizon: i64 },
}

/// A number of at most 18 digits.
fn seq(digits: &str) -> Option<i64> {
    (!digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

pub(crate) fn parse_cursor(cursor: Option<&str>) -> Result<Cursor, Problem> {
    let parsed = match cursor {
        None | Some("") => Some(Cursor::Start),
        Some(text) => {
            if let Some(rest) = text.strip_prefix('c') {
                seq(rest).map(Cursor::Since)
            } else if let Some(rest) = text.strip_prefix('f') {
                rest.split_once('.').and_then(|(after, horizon)| {
                    Some(Cursor::FullPass {
                        after: seq(after)?,
                        horizon: seq(horizon)?,
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

#[derive(Serialize)]
struct Page {
    applications: Vec<Application>,
    tombstones: Vec<String>,
    next_cursor: String,
    has_more: bool,
}

pub(crate) fn cursor_expired() -> Problem {
    Problem::new(
        ProblemKind::CursorExpired,
        "The change feed no longer reaches back to this cursor; sync again from the beginning \
         (no cursor) and drop the applications that pass doesn't return.",
    )
}

pub(crate) async fn changes(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Response, Problem> {
    let cursor = parse_cursor(query.cursor.as_deref())?;
    let limit = parse_limit(query.limit.as_deref())?;
    let page = state
        .db
        .call(move |conn| {
            let (last, horizon) = feed::bounds(conn)?;
            // (after, the horizon of the full pass this page belongs to)
            let (after, pass) = match cursor {
                Cursor::Start => (0, Some(horizon)),
                Cursor::Since(seq) if seq < horizon || seq > last => return Ok(None),
                Cursor::Since(seq) => (seq, None),
                Cursor::FullPass {
                    after,
                    horizon: began,
                } if began < horizon || after > last => {
                    return Ok(None);
                }
                Cursor::FullPass {
                    after,
                    horizon: began,
                } => (after, Some(began)),
            };
            let (changes, has_more) = feed::changes_after(conn, &bearer.user_id, after, limit)?;
            let next = match (has_more, changes.last(), pass) {
                (true, Some(change), Some(began)) => format!("f{}.{began}", change.seq()),
                (true, Some(change), None) => format!("c{}", change.seq()),
                // A page that ends the feed moves the cursor to the newest
                // change of anyone's, so it stays above a later horizon.
                _ => format!("c{last}"),
            };
            Ok(Some((changes, has_more, next)))
        })
        .await?
        .ok_or_else(cursor_expired)?;
    let (changes, has_more, next) = page;
    let mut body = Page {
        applications: Vec::new(),
        tombstones: Vec::new(),
        next_cursor: next,
        has_more,
    };
    for change in changes {
        match change {
            Change::Upsert(application) => body.applications.push(*application),
            Change::Tombstone { application_no, .. } => body.tombstones.push(application_no),
        }
    }
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::Json(body),
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
        assert_eq!(parse_cursor(Some("c0")).unwrap(), Cursor::Since(0));
        assert_eq!(parse_cursor(Some("c42")).unwrap(), Cursor::Since(42));
        assert_eq!(
            parse_cursor(Some("f42.7")).unwrap(),
            Cursor::FullPass {
                after: 42,
                horizon: 7
            }
        );
        for bad in [
            "42",
            "c",
            "c-1",
            "cx",
            "C1",
            "f1",
            "f1.",
            "f.2",
            "f1.2.3",
            "c1234567890123456789",
        ] {
            assert!(parse_cursor(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_limit(None).unwrap(), DEFAULT_LIMIT);
        assert_eq!(parse_limit(Some("500")).unwrap(), 500);
        for bad in ["0", "501", "-1", "x"] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
