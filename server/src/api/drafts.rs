//! `/api/v1/drafts`: application drafts synced between the user's phones.
//! Writes are conditional on the revision (`If-Match: "<revision>"`, or
//! `If-None-Match: *` to create), so a stale phone gets 412 instead of
//! overwriting a newer edit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use banshitong_forms::{SlotFill, Values};
use serde::{Deserialize, Serialize};

use crate::applications::drafts::{self, Draft, DraftInput, Precondition, Written};
use crate::auth::bearer::SignedIn;
use crate::etag::if_none_match_hits;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// Longest `values` plus `materials` a draft may hold, as JSON.
const MAX_CONTENT_BYTES: usize = 256 * 1024;
const MAX_CODE_CHARS: usize = 64;
const MAX_TITLE_CHARS: usize = 100;

/// A draft id as the client chose it: a UUID (any case, hyphenated), kept
/// in lower case.
pub(crate) fn parse_draft_id(id: &str) -> Option<String> {
    (id.len() == 36)
        .then(|| uuid::Uuid::try_parse(id).ok())
        .flatten()
        .map(|uuid| uuid.hyphenated().to_string())
}

fn draft_id(id: &str) -> Result<String, Problem> {
    parse_draft_id(id).ok_or_else(|| {
        Problem::bad_request(
            "A draft id is a UUID the client chose, e.g. 0b6f1c9e-5a0f-4f7e-9d57-2f1d3c1e8a42.",
        )
    })
}

fn not_found() -> Problem {
    Problem::new(
        ProblemKind::NotFound,
        "You have no draft with this id; create it with If-None-Match: *.",
    )
}

fn etag(draft: &Draft) -> HeaderValue {
    // Digits in quotes: always a valid header value.
    HeaderValue::from_str(&format!("\"{}\"", draft.revision))
        .unwrap_or(HeaderValue::from_static("\"0\""))
}

fn draft_response(status: StatusCode, draft: &Draft) -> Response {
    let mut response = (
        status,
        [
            (header::ETAG, etag(draft)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(draft),
    )
        .into_response();
    if status == StatusCode::CREATED {
        if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/drafts/{}", draft.id)) {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    response
}

/// 412 `revision-mismatch` naming the draft's current revision.
fn mismatch(current: &Draft) -> Problem {
    Problem::new(
        ProblemKind::RevisionMismatch,
        "The draft changed since you last read it (or exists already); GET it, merge, and write \
         again with If-Match on its current revision.",
    )
    .with_extension("current_revision", current.revision)
    .with_extension("deleted", current.deleted)
    .with_header(header::ETAG, etag(current))
}

/// One `If-Match` value: `*` or a quoted revision.
fn if_match(headers: &HeaderMap) -> Result<Option<Precondition>, Problem> {
    let mut values = headers.get_all(header::IF_MATCH).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let malformed =
        || Problem::bad_request("If-Match must be one ETag of the draft, e.g. \"3\", or *.");
    if values.next().is_some() {
        return Err(malformed());
    }
    let text = value.to_str().map_err(|_| malformed())?.trim();
    if text == "*" {
        return Ok(Some(Precondition::Revision(None)));
    }
    let revision = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|digits| !digits.is_empty() && digits.len() <= 18)
        .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<i64>().ok())
        .ok_or_else(malformed)?;
    Ok(Some(Precondition::Revision(Some(revision))))
}

/// The precondition of a PUT: `If-Match` to update, `If-None-Match: *` to
/// create; one of them, not both.
fn put_precondition(headers: &HeaderMap) -> Result<Precondition, Problem> {
    let if_match = if_match(headers)?;
    let if_none_match: Vec<_> = headers.get_all(header::IF_NONE_MATCH).iter().collect();
    match (if_match, if_none_match.as_slice()) {
        (Some(precondition), []) => Ok(precondition),
        (None, [value]) if value.to_str().is_ok_and(|v| v.trim() == "*") => {
            Ok(Precondition::Absent)
        }
        (None, []) => Err(precondition_required()),
        (None, _) => Err(Problem::bad_request(
            "To create a draft send If-None-Match: * (no other value).",
        )),
        (Some(_), _) => Err(Problem::bad_request(
            "Send If-Match (update) or If-None-Match: * (create), not both.",
        )),
    }
}

fn precondition_required() -> Problem {
    Problem::new(
        ProblemKind::PreconditionRequired,
        "Writes to a draft are conditional: send If-None-Match: * to create it, or If-Match: \
         \"<revision>\" to change or delete it.",
    )
}

#[derive(Deserialize)]
pub(crate) struct DraftBody {
    guide_code: String,
    schema_id: String,
    #[serde(default)]
    title: Option<String>,
    values: Values,
    #[serde(default)]
    materials: Vec<SlotFill>,
    updated_at_ms: i64,
}

/// Shape checks only: a draft may be incomplete or wrong, it is validated
/// when submitted.
fn draft_input(body: DraftBody) -> Result<DraftInput, Problem> {
    let code_ok = |code: &str| {
        (1..=MAX_CODE_CHARS).contains(&code.chars().count()) && !code.chars().any(char::is_control)
    };
    if !code_ok(&body.guide_code) {
        return Err(Problem::invalid_field(
            "guide_code",
            "guide_code must be a guide's code.",
        ));
    }
    if !code_ok(&body.schema_id) {
        return Err(Problem::invalid_field(
            "schema_id",
            "schema_id must be the guide's form_schema_id.",
        ));
    }
    if let Some(title) = &body.title {
        if title.chars().count() > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
            return Err(Problem::invalid_field(
                "title",
                format!("title must be at most {MAX_TITLE_CHARS} characters, on one line."),
            ));
        }
    }
    if body.updated_at_ms < 0 {
        return Err(Problem::invalid_field(
            "updated_at_ms",
            "updated_at_ms must be the client's clock in Unix milliseconds.",
        ));
    }
    let values = serde_json::Value::Object(body.values);
    let materials = serde_json::to_value(&body.materials).map_err(|_| Problem::internal())?;
    if values.to_string().len() + materials.to_string().len() > MAX_CONTENT_BYTES {
        return Err(Problem::new(
            ProblemKind::PayloadTooLarge,
            format!(
                "A draft's values and materials may take at most {MAX_CONTENT_BYTES} bytes of JSON."
            ),
        ));
    }
    Ok(DraftInput {
        guide_code: body.guide_code,
        schema_id: body.schema_id,
        title: body.title,
        values,
        materials,
        updated_at_ms: body.updated_at_ms,
    })
}

/// `PUT /api/v1/drafts/{id}`: create (201) or replace (200) a draft.
pub(crate) async fn put(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DraftBody>,
) -> Result<Response, Problem> {
    let id = draft_id(&id)?;
    let precondition = put_precondition(&headers)?;
    let input = draft_input(body)?;
    // The clock is read under the database lock, so synced_at_ms follows
    // the order writes commit in and `since_ms` never skips one.
    let clock = state.clock.clone();
    let written = state
        .db
        .call(move |conn| {
            drafts::put(
                conn,
                &bearer.user_id,
                &id,
                precondition,
                &input,
                clock.now_ms(),
            )
        })
        .await?;
    match written {
        Written::Created(draft) => Ok(draft_response(StatusCode::CREATED, &draft)),
        Written::Updated(draft) | Written::Unchanged(draft) => {
            Ok(draft_response(StatusCode::OK, &draft))
        }
        Written::NotFound => Err(not_found()),
        Written::Mismatch(current) => Err(mismatch(&current)),
    }
}

/// `DELETE /api/v1/drafts/{id}` with `If-Match`: leaves a tombstone and
/// answers it (200), so the client learns the tombstone's revision.
pub(crate) async fn delete(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let id = draft_id(&id)?;
    let precondition = if_match(&headers)?.ok_or_else(precondition_required)?;
    let clock = state.clock.clone();
    let written = state
        .db
        .call(move |conn| drafts::delete(conn, &bearer.user_id, &id, precondition, clock.now_ms()))
        .await?;
    match written {
        Written::Created(draft) | Written::Updated(draft) | Written::Unchanged(draft) => {
            Ok(draft_response(StatusCode::OK, &draft))
        }
        Written::NotFound => Err(not_found()),
        Written::Mismatch(current) => Err(mismatch(&current)),
    }
}

/// `GET /api/v1/drafts/{id}`: the draft (or its tombstone) with its ETag;
/// `If-None-Match` on it → 304.
pub(crate) async fn get(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let id = draft_id(&id)?;
    let found = state
        .db
        .call(move |conn| drafts::get(conn, &bearer.user_id, &id))
        .await?;
    let draft = found.ok_or_else(not_found)?;
    let tag = etag(&draft);
    if tag
        .to_str()
        .is_ok_and(|tag| if_none_match_hits(&headers, tag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response());
    }
    Ok(draft_response(StatusCode::OK, &draft))
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    since_ms: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct DraftList {
    drafts: Vec<Draft>,
    /// Pass as `since_ms` next time to get only what was written since.
    server_time_ms: i64,
}

/// `GET /api/v1/drafts[?since_ms=]`: the user's drafts and tombstones.
pub(crate) async fn list(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, Problem> {
    let since_ms =
        match query.since_ms.as_deref() {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().ok().filter(|ms| *ms >= 0).ok_or_else(
                || Problem::bad_request("since_ms must be a server_time_ms from an earlier list."),
            )?),
        };
    // Read under the database lock, like the writes' clock: a write not in
    // this list has synced_at_ms >= server_time_ms.
    let clock = state.clock.clone();
    let (drafts, now) = state
        .db
        .call(move |conn| {
            let now = clock.now_ms();
            Ok((drafts::list(conn, &bearer.user_id, since_ms)?, now))
        })
        .await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(DraftList {
            drafts,
            server_time_ms: now,
        }),
    )
        .into_response())
}
