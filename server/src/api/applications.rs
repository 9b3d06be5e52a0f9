//! `POST /api/v1/applications` (submit, idempotently) and
//! `GET /api/v1/applications/{no}` (one's own application, with its
//! workflow, timeline and deadlines, `ETag: "<change_seq>"`).

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use banshitong_forms::{FieldError, SlotFill, Values, validate};
use serde::Deserialize;

use super::drafts::parse_draft_id;
use crate::applications::idempotency::{self, Stored};
use crate::applications::store::{self, NewApplication, Submitted};
use crate::applications::{material_refs, number, view};
use crate::auth::bearer::SignedIn;
use crate::catalog;
use crate::catalog::model::Guide;
use crate::etag::if_none_match_hits;
use crate::extract::ApiJson;
use crate::forms;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The `Idempotency-Key` header: 1–255 visible ASCII characters. Missing or
/// unusable → 400 `idempotency-key-required`.
pub(crate) struct IdempotencyKey(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Problem> {
        let mut values = parts.headers.get_all(&IDEMPOTENCY_KEY).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(Problem::new(
                ProblemKind::IdempotencyKeyRequired,
                "Send one Idempotency-Key header (1 to 255 characters, e.g. a UUID) with every \
                 submission; retry with the same key.",
            ));
        };
        value
            .to_str()
            .ok()
            .filter(|key| idempotency::is_valid_key(key))
            .map(|key| IdempotencyKey(key.to_owned()))
            .ok_or_else(|| {
                Problem::new(
                    ProblemKind::IdempotencyKeyRequired,
                    "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID.",
                )
            })
    }
}

#[derive(Deserialize)]
struct Submission {
    guide_code: String,
    schema_id: String,
    values: Values,
    #[serde(default)]
    materials: Vec<SlotFill>,
    #[serde(default)]
    draft_id: Option<String>,
}

/// `POST /api/v1/applications`: validates the form again (the app's
/// verdict is never trusted) and stores the application, once per key.
pub(crate) async fn submit(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, Problem> {
    let fingerprint = idempotency::fingerprint(&body);
    let submission: Submission = serde_json::from_value(body).map_err(|error| {
        Problem::new(
            ProblemKind::UnprocessableContent,
            format!("The body is not a submission: {error}."),
        )
    })?;

    // A retry is answered before anything else is looked at.
    let (user_id, lookup_key, now) = (bearer.user_id.clone(), key.clone(), state.clock.now_ms());
    let earlier = state
        .db
        .call(move |conn| idempotency::lookup(conn, &user_id, &lookup_key, now))
        .await?;
    if let Some(stored) = earlier {
        return if stored.fingerprint == fingerprint {
            Ok(answer(stored, true))
        } else {
            Err(key_reused())
        };
    }

    let draft_id = submission
        .draft_id
        .as_deref()
        .map(|id| {
            parse_draft_id(id).ok_or_else(|| {
                Problem::invalid_field("draft_id", "draft_id must be a draft's UUID.")
            })
        })
        .transpose()?;
    let guide = load_guide(&state, &submission.guide_code).await?;
    if submission.schema_id != guide.form_schema_id {
        return Err(Problem::invalid_field(
            "schema_id",
            format!(
                "This guide's form is {}; fill that form in.",
                guide.form_schema_id
            ),
        ));
    }
    let Some(schema) = forms::schema(&guide.form_schema_id) else {
        tracing::error!(guide = %guide.code, "a guide names a form that doesn't exist");
        return Err(Problem::internal());
    };
    let errors = validate(&schema, &submission.values, &submission.materials);
    if !errors.is_empty() {
        return Err(validation_failed(&errors));
    }
    let (user_id, fills, checked_schema, now) = (
        bearer.user_id.clone(),
        submission.materials.clone(),
        schema.clone(),
        state.clock.now_ms(),
    );
    let errors = state
        .db
        .call(move |conn| material_refs::check(conn, &user_id, &checked_schema, &fills, now))
        .await?;
    if !errors.is_empty() {
        return Err(validation_failed(&errors));
    }

    let new = NewApplication {
        user_id: bearer.user_id.clone(),
        idempotency_key: key,
        fingerprint,
        guide_code: guide.code,
        guide_name: guide.name,
        schema_id: schema.id,
        values: serde_json::Value::Object(submission.values),
        materials: serde_json::to_value(&submission.materials).map_err(|_| Problem::internal())?,
        draft_id,
        department_name: guide.department_name,
        promised_days: guide.promised_time_limit_days,
        legal_days: guide.legal_time_limit_days,
    };
    // Read under the database lock, as draft writes do (it may close one).
    let clock = state.clock.clone();
    let outcome = state
        .db
        .call(move |conn| store::submit(conn, &new, clock.now_ms()))
        .await?;
    match outcome {
        Submitted::Created(stored, change_seq) => {
            tracing::info!(user_id = %bearer.user_id, application_no = %stored.application_no, "application submitted");
            state.live.announce(&bearer.user_id, change_seq);
            Ok(answer(stored, false))
        }
        Submitted::Replayed(stored) => Ok(answer(stored, true)),
        Submitted::KeyReused => Err(key_reused()),
    }
}

async fn load_guide(state: &AppState, code: &str) -> Result<Guide, Problem> {
    let lookup = code.to_owned();
    let found = state
        .db
        .call(move |conn| catalog::store::get(conn, &lookup))
        .await?;
    let Some((body, _revision)) = found else {
        return Err(Problem::invalid_field(
            "guide_code",
            "No service guide has this code (it may have been withdrawn); sync the catalog.",
        ));
    };
    serde_json::from_str(&body).map_err(|error| {
        tracing::error!(%error, "a stored guide doesn't parse");
        Problem::internal()
    })
}

/// 422 `validation-failed` listing every problem as `errors`.
pub(crate) fn validation_failed(errors: &[FieldError]) -> Problem {
    let list = serde_json::to_value(errors).unwrap_or_default();
    Problem::new(
        ProblemKind::ValidationFailed,
        format!(
            "The form has {} problem(s); see errors. Nothing was submitted.",
            errors.len()
        ),
    )
    .with_extension("errors", list)
}

pub(crate) fn key_reused() -> Problem {
    Problem::new(
        ProblemKind::IdempotencyKeyReused,
        "This Idempotency-Key was used in the last 24 hours with another request body; use a new \
         key for a new submission.",
    )
}

/// The stored answer, byte for byte, with `Location`; a replay also says
/// `Idempotent-Replayed: true`.
pub(crate) fn answer(stored: Stored, replayed: bool) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::CREATED);
    let location =
        HeaderValue::from_str(&format!("/api/v1/applications/{}", stored.application_no))
            .unwrap_or(HeaderValue::from_static("/api/v1/applications"));
    let mut response = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        stored.body,
    )
        .into_response();
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

/// 404 for a number the caller has no application with (another user's
/// included, so numbers can't be probed).
pub(crate) fn not_found() -> Problem {
    Problem::new(
        ProblemKind::NotFound,
        "You have no application with this number.",
    )
}

/// `GET /api/v1/applications/{no}`: the caller's own application; anyone
/// else's is 404, like a number that doesn't exist. `ETag` is
/// `"<change_seq>"`; `If-None-Match` with it answers 304.
pub(crate) async fn get(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if !number::is_well_formed(&number) {
        return Err(not_found());
    }
    let found = state
        .db
        .call(move |conn| {
            view::load(conn, &bearer.user_id, &number)?
                .map(|record| view::render(conn, &record, true))
                .transpose()
        })
        .await?;
    let application = found.ok_or_else(not_found)?;
    let etag = format!("\"{}\"", application.change_seq);
    let etag_value = HeaderValue::from_str(&etag).map_err(|_| Problem::internal())?;
    let cache = [
        (header::ETAG, etag_value),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if if_none_match_hits(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((cache, axum::Json(application)).into_response())
}
