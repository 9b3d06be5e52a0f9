//! `GET /api/v1/applications/changes?cursor=&limit=`: the caller's
//! applications that changed after a cursor, in `change_seq` order, each
//! number once (its latest state), with tombstones for those taken out of
//! the list. No cursor: everything the user has. A cursor from before the
//! compaction horizon (or beyond any change) is 410 `cursor-expired`: the
//! client starts again without one and drops what that pass didn't return.
//!
//! The cursor itself (`c<seq>`, `f<seq>.<watermark>` inside a full pass)
//! is shared with the catalog feed: see [`crate::feed_cursor`].

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::applications::feed::{self, Change};
use crate::applications::view::Application;
use crate::auth::bearer::SignedIn;
use crate::extract::ApiQuery;
use crate::feed_cursor::{self, Cursor};
use crate::problem::Problem;
use crate::state::AppState;

pub(crate) const DEFAULT_LIMIT: usize = 200;
pub(crate) const MAX_LIMIT: usize = 500;

#[derive(Deserialize)]
pub(crate) struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize)]
struct Page {
    applications: Vec<Application>,
    tombstones: Vec<String>,
    next_cursor: String,
    has_more: bool,
}

fn cursor_expired() -> Problem {
    feed_cursor::expired(
        "The change feed no longer reaches back to this cursor; sync again from the beginning \
         (no cursor) and drop the applications that pass doesn't return.",
    )
}

pub(crate) async fn changes(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Response, Problem> {
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let limit = feed_cursor::parse_limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let page = state
        .db
        .call(move |conn| {
            let (latest, horizon) = feed::bounds(conn)?;
            let Some(start) = cursor.start(latest, horizon) else {
                return Ok(None);
            };
            let page = feed::changes_after(conn, &bearer.user_id, start.after, limit)?;
            let next = Cursor::after_page(start, page.has_more, page.last_read, latest);
            Ok(Some((page.changes, page.has_more, next.format())))
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
