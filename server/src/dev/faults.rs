//! Fault injection: "answer the next N requests under this path with that
//! status", checked before routing reaches any handler, or "let the handler
//! answer, then break the body of its answer" (truncated or wrong-shaped JSON
//! under a 200), for clients that must not trust a success blindly.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::DEV_PATH_PREFIX;
use crate::problem::{Problem, ProblemKind};

/// More pending faults than this is a runaway test, not a scenario.
const MAX_FAULTS: usize = 100;

/// What `malformed` sends: valid JSON, so only a client that checks the
/// shape of what it parsed notices.
const MALFORMED_BODY: &[u8] = br#"{"unexpected":true}"#;

/// What `POST /dev/faults` takes and echoes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    pub(crate) path_prefix: String,
    /// Required without `body`; with it, 200 or absent (the echo says 200).
    #[serde(default)]
    pub(crate) status: Option<u16>,
    #[serde(default = "one")]
    pub(crate) count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after_secs: Option<u32>,
    /// `"truncate"` or `"malformed"`. A string rather than an enum so an
    /// unknown mode is our 400 naming the modes, not serde's generic 422.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<String>,
}

fn one() -> u32 {
    1
}

/// How a body fault breaks the handler's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFault {
    Truncate,
    Malformed,
}

enum Effect {
    Problem {
        kind: ProblemKind,
        retry_after_secs: Option<u32>,
    },
    Body(BodyFault),
}

struct Fault {
    path_prefix: String,
    effect: Effect,
    remaining: u32,
}

/// One firing of a fault, as the middleware carries it out.
enum Firing {
    Answer(Problem),
    Break(BodyFault),
}

/// The pending faults, shared by the middleware and the dev routes. Faults
/// apply in the order they were added; each fires `count` times, then goes.
#[derive(Clone, Default)]
pub(crate) struct FaultTable {
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl FaultTable {
    /// Validates and queues a fault, answering it with defaults filled in;
    /// the error explains what to fix.
    pub(crate) fn add(&self, spec: FaultSpec) -> Result<FaultSpec, String> {
        if !spec.path_prefix.starts_with('/') {
            return Err("path_prefix must start with '/'.".to_owned());
        }
        if spec.count == 0 {
            return Err("count must be at least 1.".to_owned());
        }
        let (effect, status) = match spec.body.as_deref() {
            None => {
                let status = spec.status.ok_or_else(|| {
                    "status is required (or give body to break a 200 answer).".to_owned()
                })?;
                (
                    Effect::Problem {
                        kind: error_kind(status)?,
                        retry_after_secs: spec.retry_after_secs,
                    },
                    status,
                )
            }
            Some(mode) => (Effect::Body(body_fault(mode, &spec)?), 200),
        };
        let mut faults = self.lock();
        if faults.len() >= MAX_FAULTS {
            return Err(format!(
                "at most {MAX_FAULTS} faults can be pending; DELETE /dev/faults first."
            ));
        }
        faults.push(Fault {
            path_prefix: spec.path_prefix.clone(),
            effect,
            remaining: spec.count,
        });
        Ok(FaultSpec {
            status: Some(status),
            ..spec
        })
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// Consumes one firing of the first fault matching `path`, if any. Body
    /// faults are taken here too, before the handler runs, so all faults
    /// share one order and one count.
    fn take(&self, path: &str) -> Option<Firing> {
        if path.starts_with(DEV_PATH_PREFIX) {
            return None;
        }
        let mut faults = self.lock();
        let index = faults
            .iter()
            .position(|fault| path.starts_with(&fault.path_prefix))?;
        let fault = &mut faults[index];
        fault.remaining -= 1;
        let firing = match fault.effect {
            Effect::Problem {
                kind,
                retry_after_secs,
            } => {
                let mut problem = Problem::new(
                    kind,
                    format!(
                        "Injected fault for {} ({} more pending).",
                        fault.path_prefix, fault.remaining
                    ),
                );
                if let Some(secs) = retry_after_secs {
                    problem = problem.with_header(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                Firing::Answer(problem)
            }
            Effect::Body(body) => Firing::Break(body),
        };
        if fault.remaining == 0 {
            faults.remove(index);
        }
        Some(firing)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        // The table stays consistent between statements, so a poisoned lock
        // holds usable data.
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn error_kind(status: u16) -> Result<ProblemKind, String> {
    if !(400..=599).contains(&status) {
        return Err(format!(
            "status must be an error status (400-599), not {status}; \
             to break a 200 answer give body instead."
        ));
    }
    ProblemKind::from_status(status)
        .ok_or_else(|| format!("status {status} has no problem type on this server."))
}

fn body_fault(mode: &str, spec: &FaultSpec) -> Result<BodyFault, String> {
    let fault = match mode {
        "truncate" => BodyFault::Truncate,
        "malformed" => BodyFault::Malformed,
        _ => {
            return Err(format!(
                "body must be \"truncate\" or \"malformed\", not {mode:?}."
            ));
        }
    };
    // A broken body is meant to look like a success, so it only pairs with 200.
    if let Some(status) = spec.status.filter(|&s| s != 200) {
        return Err(format!(
            "with body, status must be 200 or omitted, not {status}; \
             for an error answer leave body out."
        ));
    }
    if spec.retry_after_secs.is_some() {
        return Err("retry_after_secs goes with an error status, not with body.".to_owned());
    }
    Ok(fault)
}

/// The middleware: answers with a pending fault, breaks the handler's
/// answer, or passes the request on.
pub(crate) async fn inject(
    State(faults): State<FaultTable>,
    request: Request,
    next: Next,
) -> Response {
    match faults.take(request.uri().path()) {
        Some(Firing::Answer(problem)) => {
            tracing::info!(path = %request.uri().path(), "answering with an injected fault");
            problem.into_response()
        }
        Some(Firing::Break(fault)) => {
            tracing::info!(path = %request.uri().path(), ?fault, "breaking the answer's body with an injected fault");
            break_body(fault, next.run(request).await).await
        }
        None => next.run(request).await,
    }
}

/// Turns the handler's answer into a complete 200 whose body is broken.
/// Whatever the handler answered, the client is told it succeeded: that is
/// the case under test. Its other headers (ETag included) stay, as they
/// would behind a proxy that mangled the body.
async fn break_body(fault: BodyFault, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    // Halving needs the whole body; the largest (the snapshot) is a few MB.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Problem::internal().into_response();
    };
    let bytes = match fault {
        BodyFault::Truncate => bytes.slice(..bytes.len() / 2),
        BodyFault::Malformed => {
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Bytes::from_static(MALFORMED_BODY)
        }
    };
    parts.status = StatusCode::OK;
    // An exact length makes it a complete response: the client reads the
    // whole (broken) body instead of seeing a dropped connection.
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prefix: &str, status: u16, count: u32) -> FaultSpec {
        FaultSpec {
            path_prefix: prefix.to_owned(),
            status: Some(status),
            count,
            retry_after_secs: None,
            body: None,
        }
    }

    fn body_spec(mode: &str, status: Option<u16>) -> FaultSpec {
        FaultSpec {
            status,
            body: Some(mode.to_owned()),
            ..spec("/", 200, 1)
        }
    }

    #[test]
    fn fires_count_times_then_goes() {
        let table = FaultTable::default();
        table.add(spec("/api/v1/regions", 503, 2)).unwrap();
        assert!(table.take("/api/v1/health").is_none());
        assert!(table.take("/api/v1/regions").is_some());
        assert!(table.take("/api/v1/regions").is_some());
        assert!(table.take("/api/v1/regions").is_none());
    }

    #[test]
    fn never_faults_dev_routes() {
        let table = FaultTable::default();
        table.add(spec("/", 500, 1)).unwrap();
        assert!(table.take("/dev/faults").is_none());
        assert!(table.take("/api/v1/health").is_some());
    }

    #[test]
    fn rejects_bad_specs() {
        let table = FaultTable::default();
        assert!(table.add(spec("api", 503, 1)).is_err());
        assert!(table.add(spec("/", 200, 1)).is_err());
        assert!(table.add(spec("/", 418, 1)).is_err());
        assert!(table.add(spec("/", 503, 0)).is_err());
        let no_status = FaultSpec {
            status: None,
            ..spec("/", 503, 1)
        };
        assert!(table.add(no_status).is_err());
        assert!(table.add(body_spec("gzip", None)).is_err());
        assert!(table.add(body_spec("truncate", Some(500))).is_err());
        let with_retry_after = FaultSpec {
            retry_after_secs: Some(1),
            ..body_spec("truncate", None)
        };
        assert!(table.add(with_retry_after).is_err());
        assert!(table.take("/").is_none());
    }

    #[test]
    fn body_faults_default_to_200_and_share_the_order() {
        let table = FaultTable::default();
        let echoed = table.add(body_spec("truncate", None)).unwrap();
        assert_eq!(echoed.status, Some(200));
        table.add(body_spec("malformed", Some(200))).unwrap();
        assert!(matches!(
            table.take("/a"),
            Some(Firing::Break(BodyFault::Truncate))
        ));
        assert!(matches!(
            table.take("/a"),
            Some(Firing::Break(BodyFault::Malformed))
        ));
        assert!(table.take("/a").is_none());
    }
}
