//! What can go wrong with one tus request, sorted by what the caller does next.

use std::time::Duration;

use crate::error::Error;

#[derive(Debug)]
pub enum TusError {
    /// 404/410: the platform no longer has the upload (it expired, or was
    /// never ours). The file has to start over with a new upload.
    Gone,
    /// 409: the platform holds a different offset than the request said.
    /// Ask it (HEAD) and continue from there.
    OffsetMismatch,
    /// 460: the chunk arrived damaged and was discarded. Send it again.
    ChecksumMismatch,
    /// The platform refused the file for good (413 too large, 415/422 wrong
    /// type or a whole-file checksum that does not match). `reason` is for
    /// the user.
    Refused { status: u16, reason: String },
    /// Worth trying again later: no network, a cut connection, a stalled
    /// transfer, a failing or busy platform (5xx, 429).
    Transient {
        error: Error,
        retry_after: Option<Duration>,
    },
    /// Anything else the core says (signed out, session expired, the
    /// prepared file unreadable, a malformed answer).
    Core(Error),
    /// The caller asked the transfer to stop (pause, cancel, a deadline).
    Stopped,
}

impl TusError {
    /// The error to show when the caller gives up.
    pub fn into_error(self) -> Error {
        match self {
            TusError::Gone => Error::NotFound {
                what: "the upload on the platform".to_owned(),
            },
            TusError::OffsetMismatch => Error::Conflict {
                message: "the platform holds a different part of the upload".to_owned(),
            },
            TusError::ChecksumMismatch => Error::protocol("a chunk kept arriving damaged"),
            TusError::Refused { reason, .. } => Error::Validation {
                field: "file".to_owned(),
                message: reason,
            },
            TusError::Transient { error, .. } | TusError::Core(error) => error,
            TusError::Stopped => Error::Conflict {
                message: "the upload was stopped".to_owned(),
            },
        }
    }
}

impl From<Error> for TusError {
    /// The one conversion point from the core error: network-like failures
    /// pass, the rest (signed out, storage, protocol) are not retried here.
    fn from(error: Error) -> Self {
        match error {
            Error::Offline { .. } | Error::Timeout => TusError::Transient {
                error,
                retry_after: None,
            },
            Error::Unavailable { retry_after, .. } => TusError::Transient { error, retry_after },
            other => TusError::Core(other),
        }
    }
}

impl std::fmt::Display for TusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TusError::Gone => f.write_str("the upload expired on the platform"),
            TusError::OffsetMismatch => f.write_str("upload offset mismatch"),
            TusError::ChecksumMismatch => f.write_str("a chunk arrived damaged"),
            TusError::Refused { status, reason } => write!(f, "refused (HTTP {status}): {reason}"),
            TusError::Transient { error, .. } | TusError::Core(error) => error.fmt(f),
            TusError::Stopped => f.write_str("stopped"),
        }
    }
}

impl std::error::Error for TusError {}
