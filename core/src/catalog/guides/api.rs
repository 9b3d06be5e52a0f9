//! The platform's guide-catalog endpoints: the change feed, one guide with
//! its ETag, and the gzip snapshot.

use reqwest::{Method, StatusCode, header};

use super::model::Guide;
use super::wire::{ChangesPage, check_guide};
use crate::error::{Error, Result};
use crate::http::HttpClient;

pub(crate) enum Changes {
    Page(ChangesPage),
    /// 410: the platform no longer keeps changes back to our cursor.
    CursorExpired,
}

pub(crate) async fn fetch_changes(
    http: &HttpClient,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Changes> {
    let path = format!(
        "api/v1/catalog/changes?limit={limit}&cursor={}",
        cursor.unwrap_or("")
    );
    match http.send(Method::GET, &path, |r| r).await {
        Ok(response) => {
            let bytes = response
                .bytes()
                .await
                .map_err(|e| Error::protocol(format!("catalog change page cut short: {e}")))?;
            ChangesPage::parse(&bytes).map(Changes::Page)
        }
        Err(Error::Server { status: 410, .. }) => Ok(Changes::CursorExpired),
        Err(e) => Err(e),
    }
}

/// The platform's validator for a guide revision: `"<code>.r<revision>"`
/// (server/openapi.yaml, `GET /api/v1/catalog/items/{code}`).
pub(crate) fn etag_of(code: &str, revision: u32) -> String {
    format!("\"{code}.r{revision}\"")
}

pub(crate) enum Revalidated {
    NotModified,
    Changed(Box<Guide>),
}

/// Asks whether the stored revision is current (`If-None-Match`).
pub(crate) async fn revalidate(
    http: &HttpClient,
    code: &str,
    etag: Option<String>,
) -> Result<Revalidated> {
    let path = format!("api/v1/catalog/items/{code}");
    let response = http
        .send(Method::GET, &path, |r| match &etag {
            Some(tag) => r.header(header::IF_NONE_MATCH, tag),
            None => r,
        })
        .await?;
    if response.status() == StatusCode::NOT_MODIFIED {
        return Ok(Revalidated::NotModified);
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::protocol(format!("guide {code} cut short: {e}")))?;
    let guide: Guide = serde_json::from_slice(&bytes)
        .map_err(|e| Error::protocol(format!("guide {code}: {e}")))?;
    check_guide(&guide)?;
    if guide.code != code {
        return Err(Error::protocol(format!(
            "asked for guide {code}, got {}",
            guide.code
        )));
    }
    Ok(Revalidated::Changed(Box::new(guide)))
}

pub(crate) enum SnapshotDownload {
    NotModified,
    /// The gzip file and its ETag.
    Fresh(Vec<u8>, Option<String>),
}

pub(crate) async fn fetch_snapshot(
    http: &HttpClient,
    etag: Option<String>,
) -> Result<SnapshotDownload> {
    let response = http
        .send(Method::GET, "api/v1/catalog/snapshot", |r| match &etag {
            Some(tag) => r.header(header::IF_NONE_MATCH, tag),
            None => r,
        })
        .await?;
    if response.status() == StatusCode::NOT_MODIFIED {
        return Ok(SnapshotDownload::NotModified);
    }
    let etag = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::protocol(format!("catalog snapshot cut short: {e}")))?;
    Ok(SnapshotDownload::Fresh(bytes.to_vec(), etag))
}
