//! The one error the apps see, and the one place core errors become it.
//!
//! It is flat on purpose: a UI switches on `kind`, shows `reason`, points at
//! `field`, waits `retry_after_ms`, and for a file it can't use offers the
//! step `material_problem` calls for. (The field is not called `message`:
//! that would clash with Throwable.message in Kotlin.)

use banshitong_core::Error as CoreError;
use banshitong_core::materials::MaterialProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ErrorKind {
    Offline,
    Timeout,
    Unauthorized,
    SessionExpired,
    /// The request needs a higher identity tier: see `required_tier`.
    TierRequired,
    Validation,
    NotFound,
    Conflict,
    Unavailable,
    Server,
    Protocol,
    Storage,
    PersonalDataKeptAside,
    SecretStore,
    InvalidInput,
    /// A file can't be used as a material: see `material_problem`.
    BadMaterial,
    /// An exception thrown by app code the core called back into.
    Callback,
    /// A bug in the core (a caught panic). Report it.
    Internal,
}

#[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
pub enum BstError {
    #[error("{kind:?}: {reason}")]
    Failure {
        kind: ErrorKind,
        /// A sentence for a log or a developer; UIs word their own text from `kind`.
        reason: String,
        /// The form field a validation error is about.
        field: Option<String>,
        /// How long the platform asked us to wait before trying again.
        retry_after_ms: Option<u64>,
        /// The HTTP status, when the platform answered with an error.
        status: Option<u16>,
        /// For `TierRequired`: the tier to reach (e.g. "verified"), so the UI can offer verification.
        required_tier: Option<String>,
        /// For `BadMaterial`: what is wrong with the file (unreadable, not a
        /// JPEG/PNG/PDF, too many pixels, too large), so the UI can offer the
        /// right next step (take the photo again, pick another file).
        material_problem: Option<MaterialProblem>,
    },
}

impl BstError {
    pub(crate) fn new(kind: ErrorKind, reason: impl Into<String>) -> Self {
        BstError::Failure {
            kind,
            reason: reason.into(),
            field: None,
            retry_after_ms: None,
            status: None,
            required_tier: None,
            material_problem: None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            BstError::Failure { kind, .. } => *kind,
        }
    }
}

impl From<CoreError> for BstError {
    fn from(e: CoreError) -> Self {
        let reason = e.to_string();
        let (kind, field, retry_after_ms, status) = match &e {
            CoreError::Offline { .. } => (ErrorKind::Offline, None, None, None),
            CoreError::Timeout => (ErrorKind::Timeout, None, None, None),
            CoreError::Unauthorized => (ErrorKind::Unauthorized, None, None, Some(401)),
            CoreError::SessionExpired { .. } => (ErrorKind::SessionExpired, None, None, None),
            CoreError::TierRequired { .. } => (ErrorKind::TierRequired, None, None, Some(403)),
            CoreError::Validation { field, .. } => {
                (ErrorKind::Validation, Some(field.clone()), None, None)
            }
            CoreError::NotFound { .. } => (ErrorKind::NotFound, None, None, None),
            CoreError::Conflict { .. } => (ErrorKind::Conflict, None, None, None),
            CoreError::Unavailable {
                status,
                retry_after,
                ..
            } => (
                ErrorKind::Unavailable,
                None,
                retry_after.map(|d| d.as_millis() as u64),
                Some(*status),
            ),
            CoreError::Server { status, .. } => (ErrorKind::Server, None, None, Some(*status)),
            CoreError::Protocol { .. } => (ErrorKind::Protocol, None, None, None),
            CoreError::Storage { .. } => (ErrorKind::Storage, None, None, None),
            CoreError::PersonalDataKeptAside { .. } => {
                (ErrorKind::PersonalDataKeptAside, None, None, None)
            }
            CoreError::SecretStore { .. } => (ErrorKind::SecretStore, None, None, None),
            CoreError::InvalidInput { .. } => (ErrorKind::InvalidInput, None, None, None),
            CoreError::BadMaterial { .. } => (ErrorKind::BadMaterial, None, None, None),
        };
        let required_tier = match &e {
            CoreError::TierRequired { required_tier } => Some(required_tier.clone()),
            _ => None,
        };
        let material_problem = match &e {
            CoreError::BadMaterial { problem, .. } => Some(*problem),
            _ => None,
        };
        BstError::Failure {
            kind,
            reason,
            field,
            retry_after_ms,
            status,
            required_tier,
            material_problem,
        }
    }
}

/// An exception thrown inside a Kotlin or Swift callback arrives here
/// instead of aborting the process.
impl From<uniffi::UnexpectedUniFFICallbackError> for BstError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        BstError::new(
            ErrorKind::Callback,
            format!("app callback failed: {}", e.reason),
        )
    }
}
