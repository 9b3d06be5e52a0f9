//! The platform's application endpoints (decision 0005), through the
//! session (Bearer token, refresh on 401) and the one HTTP client.

use reqwest::{Method, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::wire::Received;
use crate::auth::session::Session;
use crate::error::{Error, Result};

/// Items per change-feed page: the platform's default; large enough that
/// a thousand applications take five round trips.
pub(crate) const PAGE_LIMIT: u32 = 200;

/// One page of the change feed.
pub(crate) struct ChangesPage {
    pub(crate) applications: Vec<Received>,
    pub(crate) tombstones: Vec<String>,
    pub(crate) next_cursor: String,
    pub(crate) has_more: bool,
}

#[derive(Deserialize)]
struct WireChanges {
    applications: Vec<serde_json::Value>,
    #[serde(default)]
    tombstones: Vec<String>,
    next_cursor: String,
    #[serde(default)]
    has_more: bool,
}

/// What the change feed answered.
pub(crate) enum Changes {
    Page(ChangesPage),
    /// 410: the cursor is older than the platform's horizon; start over.
    CursorExpired,
}

/// `GET /api/v1/applications/changes?cursor=&limit=`.
pub(crate) async fn changes(session: &Session, cursor: Option<&str>) -> Result<Changes> {
    let mut path = format!("api/v1/applications/changes?limit={PAGE_LIMIT}");
    if let Some(cursor) = cursor {
        path.push_str("&cursor=");
        path.push_str(&escape(cursor));
    }
    let page: WireChanges = match session.get_json(&path).await {
        Ok(page) => page,
        Err(Error::Server { status: 410, .. }) => return Ok(Changes::CursorExpired),
        Err(e) => return Err(e),
    };
    Ok(Changes::Page(ChangesPage {
        applications: page
            .applications
            .into_iter()
            .map(Received::from_value)
            .collect::<Result<_>>()?,
        tombstones: page.tombstones,
        next_cursor: page.next_cursor,
        has_more: page.has_more,
    }))
}

/// `GET /api/v1/applications/{no}`; `None` when it has not changed since
/// the version `known_seq` (304 to our `If-None-Match`).
pub(crate) async fn application(
    session: &Session,
    application_no: &str,
    known_seq: Option<i64>,
) -> Result<Option<Received>> {
    let path = format!("api/v1/applications/{}", escape(application_no));
    let response = session
        .send(Method::GET, &path, |r| match known_seq {
            Some(seq) => r.header(header::IF_NONE_MATCH, format!("\"{seq}\"")),
            None => r,
        })
        .await?;
    if response.status() == StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    let value: serde_json::Value = crate::http::read_json(response).await?;
    Received::from_value(value).map(Some)
}

#[derive(Serialize)]
struct WithdrawBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// `POST /api/v1/applications/{no}/withdraw`: the application after it.
/// A status that does not allow it is a 409, `Error::Conflict`.
pub(crate) async fn withdraw(
    session: &Session,
    application_no: &str,
    reason: Option<&str>,
) -> Result<Received> {
    let path = format!("api/v1/applications/{}/withdraw", escape(application_no));
    let body = WithdrawBody { reason };
    let response = session.send(Method::POST, &path, |r| r.json(&body)).await?;
    let value: serde_json::Value = crate::http::read_json(response).await?;
    Received::from_value(value)
}

/// Numbers and cursors come from the platform, but are escaped all the same.
pub(crate) fn escape(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
