//! The headers of tus 1.0.0 itself: the version handshake, and what every
//! response carries.

use std::time::{Duration, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::problem::{Problem, ProblemKind};

pub(crate) const VERSION: &str = "1.0.0";
/// What OPTIONS advertises in `Tus-Extension`.
pub(crate) const EXTENSIONS: &str = "creation,creation-with-upload,checksum,termination,expiration";
/// The only body type PATCH accepts.
pub(crate) const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

pub(crate) const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
pub(crate) const TUS_VERSION: HeaderName = HeaderName::from_static("tus-version");
pub(crate) const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
pub(crate) const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
pub(crate) const TUS_CHECKSUM_ALGORITHM: HeaderName =
    HeaderName::from_static("tus-checksum-algorithm");
pub(crate) const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
pub(crate) const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
pub(crate) const UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");
pub(crate) const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
pub(crate) const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
pub(crate) const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
/// Not tus: the material a finished upload became.
pub(crate) const MATERIAL_ID: HeaderName = HeaderName::from_static("material-id");

/// Every request but OPTIONS says `Tus-Resumable: 1.0.0`; anything else
/// (missing included) is 412 naming the versions this server speaks.
pub(crate) fn check_version(headers: &HeaderMap) -> Result<(), Problem> {
    let version = headers.get(TUS_RESUMABLE).and_then(|v| v.to_str().ok());
    if version.map(str::trim) == Some(VERSION) {
        return Ok(());
    }
    Err(Problem::new(
        ProblemKind::PreconditionFailed,
        format!("This server speaks tus {VERSION}; send Tus-Resumable: {VERSION}."),
    )
    .with_header(TUS_VERSION, HeaderValue::from_static(VERSION)))
}

/// Adds `Tus-Resumable` to a response (tus asks it on every one but
/// OPTIONS, errors included).
pub(crate) fn finish(result: Result<Response, Problem>) -> Response {
    let mut response = match result {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    };
    response
        .headers_mut()
        .insert(TUS_RESUMABLE, HeaderValue::from_static(VERSION));
    response
}

/// A non-negative decimal header (`Upload-Length`, `Upload-Offset`):
/// `None` when absent, an error when not digits.
pub(crate) fn number(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, Problem> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|text| {
            !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|text| text.parse().ok())
        .map(Some)
        .ok_or_else(|| Problem::bad_request(format!("{name} must be a non-negative integer.")))
}

/// A decimal header value.
pub(crate) fn decimal(value: u64) -> HeaderValue {
    HeaderValue::from(value)
}

/// `Upload-Expires`: an HTTP-date (RFC 9110 IMF-fixdate), e.g.
/// `Wed, 25 Jun 2014 16:00:00 GMT`.
pub(crate) fn http_date(epoch_ms: i64) -> HeaderValue {
    let since_epoch = Duration::from_millis(u64::try_from(epoch_ms).unwrap_or(0));
    let text = httpdate::fmt_http_date(UNIX_EPOCH + since_epoch);
    // An HTTP-date is plain ASCII; the fallback can't be reached.
    HeaderValue::from_str(&text)
        .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdate() {
        assert_eq!(
            http_date(1_403_712_000_000),
            "Wed, 25 Jun 2014 16:00:00 GMT"
        );
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn the_version_handshake() {
        let mut headers = HeaderMap::new();
        assert!(check_version(&headers).is_err());
        headers.insert(TUS_RESUMABLE, HeaderValue::from_static("0.2.2"));
        assert!(check_version(&headers).is_err());
        headers.insert(TUS_RESUMABLE, HeaderValue::from_static("1.0.0"));
        assert!(check_version(&headers).is_ok());
    }

    #[test]
    fn numbers() {
        let mut headers = HeaderMap::new();
        assert_eq!(number(&headers, &UPLOAD_LENGTH).unwrap(), None);
        headers.insert(UPLOAD_LENGTH, HeaderValue::from_static("1024"));
        assert_eq!(number(&headers, &UPLOAD_LENGTH).unwrap(), Some(1024));
        for bad in ["-1", "1e3", "", "0x10", "99999999999999999999"] {
            headers.insert(UPLOAD_LENGTH, HeaderValue::from_static(bad));
            assert!(number(&headers, &UPLOAD_LENGTH).is_err(), "{bad}");
        }
    }
}
