//! The one error type of the core.
//!
//! Every variant is something a user or an app can act on: show "you are
//! offline", ask to sign in again, point at a form field. Lower layers (HTTP,
//! SQLite, the keystore) convert into it at exactly one place each
//! (`http::problem`, `store::error`, `platform::secret_store`), so the rest of
//! the core only ever sees this type. Messages never carry personal data or
//! secrets: they name what failed, not what was in it.

use std::path::PathBuf;
use std::time::Duration;

use crate::http::Problem;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The platform could not be reached at all (no route, connection refused, DNS failure).
    #[error("offline: {reason}")]
    Offline { reason: String },

    /// The platform was reached but did not answer in time.
    #[error("the platform did not answer in time")]
    Timeout,

    /// The request needs a signed-in user.
    #[error("sign-in required")]
    Unauthorized,

    /// The session can no longer be used; the user has to sign in again.
    #[error("session expired: {reason}")]
    SessionExpired { reason: String },

    /// The request needs a higher identity tier than the session has (e.g.
    /// "verified": real-name verification). The UI can offer verification.
    #[error("this needs a {required_tier} account")]
    TierRequired { required_tier: String },

    /// Input was checked and refused; `field` names the form field when there is one.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },

    #[error("not found: {what}")]
    NotFound { what: String },

    /// The resource changed elsewhere (stale revision, duplicate).
    #[error("conflict: {message}")]
    Conflict { message: String },

    /// The platform is overloaded or rate-limiting us and retries ran out.
    /// `retry_after` is the server's own hint, when it gave one.
    #[error("the platform is busy (HTTP {status}) after {attempts} attempts")]
    Unavailable {
        status: u16,
        attempts: u32,
        retry_after: Option<Duration>,
    },

    /// Any other error answer of the platform, with its RFC 9457 problem details.
    #[error("platform error (HTTP {status}): {}", problem.title)]
    Server { status: u16, problem: Box<Problem> },

    /// The platform answered something the core cannot read.
    #[error("unexpected answer from the platform: {message}")]
    Protocol { message: String },

    /// Local storage failed (disk full, I/O error, migration failure).
    #[error("storage error: {message}")]
    Storage { message: String },

    /// The personal database could not be opened (damaged, or the key does not
    /// fit). It was never deleted: it was moved to `kept_at` and a fresh one
    /// will be created on the next open.
    #[error("personal data could not be opened ({reason}); it was kept aside at {}", kept_at.display())]
    PersonalDataKeptAside { kept_at: PathBuf, reason: String },

    /// The platform keystore refused or failed.
    #[error("secret store error: {message}")]
    SecretStore { message: String },

    /// A file can't be used as a material (unreadable, wrong type, a
    /// decompression bomb, too big); nothing was sent.
    #[error("this file can't be used: {message}")]
    BadMaterial {
        problem: crate::materials::MaterialProblem,
        message: String,
    },

    /// The caller passed something unusable (a bad URL, an insecure endpoint, ...).
    #[error("invalid input: {message}")]
    InvalidInput { message: String },
}

impl Error {
    pub(crate) fn storage(message: impl Into<String>) -> Self {
        Error::Storage {
            message: message.into(),
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    pub(crate) fn bad_material(
        problem: crate::materials::MaterialProblem,
        message: impl Into<String>,
    ) -> Self {
        Error::BadMaterial {
            problem,
            message: message.into(),
        }
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Error::Protocol {
            message: message.into(),
        }
    }

    /// True when the error means "no usable network": callers fall back to cached data.
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            Error::Offline { .. } | Error::Timeout | Error::Unavailable { .. }
        )
    }
}
