//! Fault injection: "answer the next N requests under this path with that
//! status", checked before routing reaches any handler.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::DEV_PATH_PREFIX;
use crate::problem::{Problem, ProblemKind};

/// More pending faults than this is a runaway test, not a scenario.
const MAX_FAULTS: usize = 100;

/// What `POST /dev/faults` takes and echoes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    pub(crate) path_prefix: String,
    pub(crate) status: u16,
    #[serde(default = "one")]
    pub(crate) count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after_secs: Option<u32>,
}

fn one() -> u32 {
    1
}

struct Fault {
    path_prefix: String,
    kind: ProblemKind,
    remaining: u32,
    retry_after_secs: Option<u32>,
}

/// The pending faults, shared by the middleware and the dev routes. Faults
/// apply in the order they were added; each fires `count` times, then goes.
#[derive(Clone, Default)]
pub(crate) struct FaultTable {
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl FaultTable {
    /// Validates and queues a fault; the error explains what to fix.
    pub(crate) fn add(&self, spec: &FaultSpec) -> Result<(), String> {
        if !spec.path_prefix.starts_with('/') {
            return Err("path_prefix must start with '/'.".to_owned());
        }
        if !(400..=599).contains(&spec.status) {
            return Err("status must be an error status (400-599).".to_owned());
        }
        let kind = ProblemKind::from_status(spec.status)
            .ok_or_else(|| format!("status {} has no problem type on this server.", spec.status))?;
        if spec.count == 0 {
            return Err("count must be at least 1.".to_owned());
        }
        let mut faults = self.lock();
        if faults.len() >= MAX_FAULTS {
            return Err(format!(
                "at most {MAX_FAULTS} faults can be pending; DELETE /dev/faults first."
            ));
        }
        faults.push(Fault {
            path_prefix: spec.path_prefix.clone(),
            kind,
            remaining: spec.count,
            retry_after_secs: spec.retry_after_secs,
        });
        Ok(())
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// Consumes one firing of the first fault matching `path`, if any.
    fn take(&self, path: &str) -> Option<Problem> {
        if path.starts_with(DEV_PATH_PREFIX) {
            return None;
        }
        let mut faults = self.lock();
        let index = faults
            .iter()
            .position(|fault| path.starts_with(&fault.path_prefix))?;
        let fault = &mut faults[index];
        fault.remaining -= 1;
        let mut problem = Problem::new(
            fault.kind,
            format!(
                "Injected fault for {} ({} more pending).",
                fault.path_prefix, fault.remaining
            ),
        );
        if let Some(secs) = fault.retry_after_secs {
            problem = problem.with_header(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if fault.remaining == 0 {
            faults.remove(index);
        }
        Some(problem)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        // The table stays consistent between statements, so a poisoned lock
        // holds usable data.
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The middleware: answers with a pending fault or passes the request on.
pub(crate) async fn inject(
    State(faults): State<FaultTable>,
    request: Request,
    next: Next,
) -> Response {
    match faults.take(request.uri().path()) {
        Some(problem) => {
            tracing::info!(path = %request.uri().path(), "answering with an injected fault");
            problem.into_response()
        }
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prefix: &str, status: u16, count: u32) -> FaultSpec {
        FaultSpec {
            path_prefix: prefix.to_owned(),
            status,
            count,
            retry_after_secs: None,
        }
    }

    #[test]
    fn fires_count_times_then_goes() {
        let table = FaultTable::default();
        table.add(&spec("/api/v1/regions", 503, 2)).unwrap();
        assert!(table.take("/api/v1/health").is_none());
        assert!(table.take("/api/v1/regions").is_some());
        assert!(table.take("/api/v1/regions").is_some());
        assert!(table.take("/api/v1/regions").is_none());
    }

    #[test]
    fn never_faults_dev_routes() {
        let table = FaultTable::default();
        table.add(&spec("/", 500, 1)).unwrap();
        assert!(table.take("/dev/faults").is_none());
        assert!(table.take("/api/v1/health").is_some());
    }

    #[test]
    fn rejects_bad_specs() {
        let table = FaultTable::default();
        assert!(table.add(&spec("api", 503, 1)).is_err());
        assert!(table.add(&spec("/", 200, 1)).is_err());
        assert!(table.add(&spec("/", 418, 1)).is_err());
        assert!(table.add(&spec("/", 503, 0)).is_err());
    }
}
