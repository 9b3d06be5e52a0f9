//! RFC 9457 problem details, and the one place where an HTTP error answer
//! becomes a core `Error`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// A stable URI naming the kind of problem; the core matches on it.
    #[serde(rename = "type", default = "about_blank")]
    pub problem_type: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub instance: Option<String>,
    /// Set by the platform on every answer; quoting it lets support find the request.
    #[serde(default)]
    pub request_id: Option<String>,
    /// For validation problems: the field that was refused.
    #[serde(default)]
    pub field: Option<String>,
    /// For `tier-required` problems: the identity tier the request needs.
    #[serde(default)]
    pub required_tier: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// The last path segment of the type URI (`.../problems/not-found` → `not-found`).
    pub fn slug(&self) -> &str {
        self.problem_type
            .rsplit('/')
            .next()
            .unwrap_or(&self.problem_type)
    }

    /// A problem for an error answer whose body was not problem+json.
    pub fn from_status(status: u16, reason: &str) -> Self {
        Problem {
            problem_type: about_blank(),
            title: reason.to_owned(),
            status: Some(status),
            detail: None,
            instance: None,
            request_id: None,
            field: None,
            required_tier: None,
        }
    }
}

/// Maps a final (non-retried) error answer to the core error.
pub(crate) fn into_error(
    status: u16,
    problem: Problem,
    attempts: u32,
    retry_after: Option<Duration>,
) -> Error {
    match status {
        401 => Error::Unauthorized,
        403 if problem.slug() == "tier-required" => Error::TierRequired {
            required_tier: problem.required_tier.clone().unwrap_or_default(),
        },
        404 => Error::NotFound {
            what: problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
        },
        409 | 412 => Error::Conflict {
            message: problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
        },
        422 => Error::Validation {
            field: problem.field.clone().unwrap_or_default(),
            message: problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
        },
        429 | 503 => Error::Unavailable {
            status,
            attempts,
            retry_after,
        },
        _ => Error::Server {
            status,
            problem: Box::new(problem),
        },
    }
}

/// An error answer read by a caller itself (after `send_raw`): the same
/// mapping as every other request gets.
pub(crate) fn problem_error(status: u16, body: &[u8]) -> Error {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    let problem = serde_json::from_slice::<Problem>(body)
        .unwrap_or_else(|_| Problem::from_status(status, reason));
    into_error(status, problem, 1, None)
}
