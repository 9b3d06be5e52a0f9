//! The request id: one per request, echoed in `x-request-id`, in every
//! problem body and in the log lines of that request.

use std::future::Future;

use axum::http::{HeaderMap, HeaderName};

pub(crate) const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id that is reused; longer ones are replaced rather than
/// trusted into logs.
const MAX_LEN: usize = 128;

tokio::task_local! {
    // Task-local so a `Problem` built anywhere in the request's task can name
    // the id without it being threaded through every handler.
    static CURRENT: String;
}

/// The id for a request: the client's own if it is sane (so a client can
/// correlate its logs with ours), otherwise a fresh uuid v4.
pub(crate) fn for_request(headers: &HeaderMap) -> String {
    headers
        .get(&HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_sane(id))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Short, printable and free of anything that could forge a log line.
fn is_sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Runs `future` with `id` as the current request id.
pub(crate) async fn scope<F: Future>(id: String, future: F) -> F::Output {
    CURRENT.scope(id, future).await
}

/// The id of the request being handled on this task, if any.
pub(crate) fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers_with(id: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_str(id).unwrap());
        headers
    }

    #[test]
    fn reuses_a_sane_incoming_id() {
        assert_eq!(for_request(&headers_with("abc-123_x.y:z")), "abc-123_x.y:z");
    }

    #[test]
    fn replaces_missing_or_odd_ids_with_a_uuid() {
        for headers in [
            HeaderMap::new(),
            headers_with(""),
            headers_with("has space"),
            headers_with(&"a".repeat(MAX_LEN + 1)),
        ] {
            let id = for_request(&headers);
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        }
    }
}
