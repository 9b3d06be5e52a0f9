//! Strong ETags over the exact JSON bytes served, so a client that cached a
//! list revalidates it with `If-None-Match` and gets a body-less 304 when
//! nothing changed.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::problem::Problem;

/// Serialises `body` and answers 200 with an ETag, or 304 if the request's
/// `If-None-Match` already names that ETag.
pub(crate) fn json_with_etag(request_headers: &HeaderMap, body: &impl Serialize) -> Response {
    let bytes = match serde_json::to_vec(body) {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "serialising a response failed");
            return Problem::internal().into_response();
        }
    };
    let etag = etag_of(&bytes);
    // The tag is quoted hex, always a valid header value.
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = [
        (header::ETAG, etag_value),
        // Clients may keep the body but must revalidate before reusing it.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if if_none_match_hits(request_headers, &etag) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let json = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    (StatusCode::OK, cache, [json], bytes).into_response()
}

/// `"<16 hex digits>"`: FNV-1a 64 of the body. Not cryptographic, and needn't
/// be: it only has to change when the body does, stably across builds (which
/// std's `DefaultHasher` doesn't promise).
fn etag_of(bytes: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = bytes
        .iter()
        .fold(OFFSET, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME));
    format!("\"{hash:016x}\"")
}

/// RFC 9110 §13.1.2: `*` matches any current representation; otherwise weak
/// comparison, so `W/"x"` matches `"x"`. Every header line is considered.
pub(crate) fn if_none_match_hits(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_none_match(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn etag_is_stable_and_content_dependent() {
        assert_eq!(etag_of(b"abc"), etag_of(b"abc"));
        assert_ne!(etag_of(b"abc"), etag_of(b"abd"));
        assert_eq!(etag_of(b""), "\"cbf29ce484222325\"");
    }

    #[test]
    fn if_none_match_forms() {
        let tag = etag_of(b"x");
        assert!(if_none_match_hits(&with_if_none_match(&[&tag]), &tag));
        assert!(if_none_match_hits(
            &with_if_none_match(&[&format!("W/{tag}")]),
            &tag
        ));
        assert!(if_none_match_hits(
            &with_if_none_match(&[&format!("\"a\", {tag}")]),
            &tag
        ));
        assert!(if_none_match_hits(
            &with_if_none_match(&["\"a\"", &tag]),
            &tag
        ));
        assert!(if_none_match_hits(&with_if_none_match(&["*"]), &tag));
        assert!(!if_none_match_hits(&with_if_none_match(&["\"a\""]), &tag));
        assert!(!if_none_match_hits(&HeaderMap::new(), &tag));
    }
}
