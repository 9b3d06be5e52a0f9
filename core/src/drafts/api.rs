//! The platform's endpoints for forms, applications and synced drafts.

use reqwest::{Method, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::model::{FieldError, SlotFill};
use crate::auth::session::Session;
use crate::error::{Error, Result};
use crate::http::HttpClient;

/// `POST /api/v1/applications` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApplicationBody {
    pub(crate) guide_code: String,
    pub(crate) schema_id: String,
    pub(crate) values: serde_json::Map<String, serde_json::Value>,
    pub(crate) materials: Vec<SlotFill>,
    pub(crate) draft_id: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Accepted {
    pub(crate) application_no: String,
}

#[derive(Debug, Deserialize)]
struct ValidationProblem {
    #[serde(default)]
    errors: Vec<FieldError>,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    detail: Option<String>,
}

pub(crate) enum SubmitAnswer {
    Accepted(Accepted),
    /// 422: the platform's own validation found these.
    Refused(Vec<FieldError>),
}

/// Sends one queued submission with its idempotency key: the platform
/// answers a repeat of the same key with the first answer, so this may be
/// sent as often as the network makes necessary.
pub(crate) async fn submit(session: &Session, key: &str, body: &str) -> Result<SubmitAnswer> {
    post_queued(session, "api/v1/applications", key, body).await
}

/// Sends one queued supplement answer (`POST /api/v1/applications/{no}/
/// supplement`) with its idempotency key, like [`submit`]. Its 200 answer
/// is the application, whose `application_no` is all the draft needs; a
/// 409 (the request is no longer the open one) is `Error::Conflict`.
pub(crate) async fn submit_supplement(
    session: &Session,
    application_no: &str,
    key: &str,
    body: &str,
) -> Result<SubmitAnswer> {
    let path = format!("api/v1/applications/{application_no}/supplement");
    post_queued(session, &path, key, body).await
}

async fn post_queued(session: &Session, path: &str, key: &str, body: &str) -> Result<SubmitAnswer> {
    let body = body.to_owned();
    let response = session
        .send_raw(Method::POST, path, |r| {
            r.header("idempotency-key", key)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })
        .await?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::protocol(format!("application answer cut short: {e}")))?;
    match status {
        StatusCode::CREATED | StatusCode::OK => serde_json::from_slice(&bytes)
            .map(SubmitAnswer::Accepted)
            .map_err(|e| Error::protocol(format!("application answer: {e}"))),
        StatusCode::UNPROCESSABLE_ENTITY => {
            // A refusal whose field errors can't be read is still a final
            // refusal, never a reason to send the same thing again.
            let Ok(problem) = serde_json::from_slice::<ValidationProblem>(&bytes) else {
                return Err(crate::http::problem_error(422, &bytes));
            };
            if problem.errors.is_empty() {
                // Refused for another reason (e.g. the key was reused with a
                // different body): nothing the user can fix field by field.
                return Err(Error::Validation {
                    field: String::new(),
                    message: problem.detail.unwrap_or(problem.kind),
                });
            }
            Ok(SubmitAnswer::Refused(problem.errors))
        }
        other => Err(crate::http::problem_error(other.as_u16(), &bytes)),
    }
}

/// A form schema (`GET /api/v1/forms/{id}`), as JSON text.
pub(crate) async fn fetch_schema(http: &HttpClient, schema_id: &str) -> Result<String> {
    let response = http
        .send(Method::GET, &format!("api/v1/forms/{schema_id}"), |r| r)
        .await?;
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::protocol(format!("form {schema_id} cut short: {e}")))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::protocol("form schema is not UTF-8"))
}

/// A draft as the platform keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RemoteDraft {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) revision: i64,
    #[serde(default)]
    pub(crate) deleted: bool,
    #[serde(default)]
    pub(crate) guide_code: String,
    #[serde(default)]
    pub(crate) schema_id: String,
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) values: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub(crate) materials: Vec<SlotFill>,
    #[serde(default)]
    pub(crate) updated_at_ms: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct DraftBody<'a> {
    pub(crate) guide_code: &'a str,
    pub(crate) schema_id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) values: serde_json::Map<String, serde_json::Value>,
    pub(crate) materials: &'a [SlotFill],
    pub(crate) updated_at_ms: i64,
}

pub(crate) enum Pushed {
    /// Stored as this platform revision.
    Stored(i64),
    /// 412: the platform has another revision than we based ours on.
    Stale,
}

/// `PUT /api/v1/drafts/{id}`: create (`If-None-Match: *`) or update the
/// revision we last saw (`If-Match`).
pub(crate) async fn push_draft(
    session: &Session,
    id: &str,
    based_on: Option<i64>,
    body: &DraftBody<'_>,
) -> Result<Pushed> {
    let json = serde_json::to_string(body).map_err(|e| Error::storage(e.to_string()))?;
    let response = session
        .send_raw(Method::PUT, &format!("api/v1/drafts/{id}"), |r| {
            let r = match based_on {
                Some(rev) => r.header(header::IF_MATCH, format!("\"{rev}\"")),
                None => r.header(header::IF_NONE_MATCH, "*"),
            };
            r.header(header::CONTENT_TYPE, "application/json")
                .body(json.clone())
        })
        .await?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::protocol(format!("draft answer cut short: {e}")))?;
    match status {
        StatusCode::OK | StatusCode::CREATED => {
            let stored: RemoteDraft = serde_json::from_slice(&bytes)
                .map_err(|e| Error::protocol(format!("draft answer: {e}")))?;
            Ok(Pushed::Stored(stored.revision))
        }
        StatusCode::PRECONDITION_FAILED => Ok(Pushed::Stale),
        other => Err(crate::http::problem_error(other.as_u16(), &bytes)),
    }
}

/// `DELETE /api/v1/drafts/{id}` of the revision we last saw.
pub(crate) async fn delete_draft(session: &Session, id: &str, based_on: i64) -> Result<Pushed> {
    let response = session
        .send_raw(Method::DELETE, &format!("api/v1/drafts/{id}"), |r| {
            r.header(header::IF_MATCH, format!("\"{based_on}\""))
        })
        .await?;
    let status = response.status();
    let bytes = response.bytes().await.unwrap_or_default();
    match status {
        s if s.is_success() => Ok(Pushed::Stored(based_on)),
        StatusCode::NOT_FOUND => Ok(Pushed::Stored(based_on)),
        StatusCode::PRECONDITION_FAILED => Ok(Pushed::Stale),
        other => Err(crate::http::problem_error(other.as_u16(), &bytes)),
    }
}

#[derive(Debug, Deserialize)]
struct DraftList {
    drafts: Vec<RemoteDraft>,
}

pub(crate) async fn list_drafts(session: &Session) -> Result<Vec<RemoteDraft>> {
    let list: DraftList = session.get_json("api/v1/drafts").await?;
    Ok(list.drafts)
}
