//! Counts the requests the server received per path, so a test can assert
//! how many times a client tried (retries included).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Bounds memory when something crawls random paths; paths first seen after
/// this many distinct ones are not counted.
const MAX_DISTINCT_PATHS: usize = 10_000;

#[derive(Clone, Default)]
pub(crate) struct RequestLog {
    counts: Arc<Mutex<HashMap<String, u64>>>,
}

impl RequestLog {
    fn record(&self, path: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(path) {
            *count += 1;
        } else if counts.len() < MAX_DISTINCT_PATHS {
            counts.insert(path.to_owned(), 1);
        }
    }

    /// Requests whose path starts with `prefix`.
    pub(crate) fn count(&self, prefix: &str) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts
            .iter()
            .filter(|(path, _)| path.starts_with(prefix))
            .map(|(_, count)| count)
            .sum()
    }
}

/// The middleware; it runs outside fault injection so faulted requests count.
pub(crate) async fn record(
    State(log): State<RequestLog>,
    request: Request,
    next: Next,
) -> Response {
    log.record(request.uri().path());
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_prefix() {
        let log = RequestLog::default();
        log.record("/api/v1/regions");
        log.record("/api/v1/regions");
        log.record("/api/v1/health");
        assert_eq!(log.count("/api/v1/regions"), 2);
        assert_eq!(log.count("/api/v1"), 3);
        assert_eq!(log.count("/dev"), 0);
    }
}
