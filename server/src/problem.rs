//! Errors as RFC 9457 problem details (`application/problem+json`).
//!
//! Clients branch on `type`, never on `title` or `detail`, so each kind has a
//! stable type URI. `request_id` lets a user's report be matched to the log.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::middleware::request_id;

pub(crate) const CONTENT_TYPE: &str = "application/problem+json";
const TYPE_BASE: &str = "https://banshitong.example/problems/";

/// tus' own status for a chunk whose checksum doesn't match. A constant
/// because 460 is in the valid range, so `from_u16` can't fail.
const CHECKSUM_MISMATCH: StatusCode = match StatusCode::from_u16(460) {
    Ok(status) => status,
    Err(_) => StatusCode::BAD_REQUEST,
};

/// The kinds of problem the server reports; each maps to one status and one
/// type URI slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    Gone,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    UnprocessableContent,
    TooManyRequests,
    Internal,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    /// 403 for an account whose tier is too low (e.g. not yet real-name
    /// verified); the body names the tier needed as `required_tier`.
    TierRequired,
    /// 410 for a catalog change cursor older than the retained change log:
    /// the client must sync again from the beginning.
    CursorExpired,
    /// 428: a conditional request (`If-Match` / `If-None-Match`) is needed.
    PreconditionRequired,
    /// 422 for an application form that fails validation; the body lists
    /// every problem in `errors` (`[{path, code, message}]`).
    ValidationFailed,
    /// 400 for a submission without a usable `Idempotency-Key` header.
    IdempotencyKeyRequired,
    /// 422 for an `Idempotency-Key` already used with another request body.
    IdempotencyKeyReused,
    /// 412 for a draft write whose `If-Match` / `If-None-Match` doesn't
    /// hold; the body names `current_revision` (and `deleted`).
    RevisionMismatch,
    /// 460 (tus checksum extension): a PATCH body doesn't match its
    /// `Upload-Checksum`; the chunk was discarded.
    ChecksumMismatch,
    /// 422 for a finished upload the platform won't keep as a material
    /// (type by content, declared type or sha256); the body says why in
    /// `material_problem`. The upload is dropped.
    MaterialRefused,
    /// 409 for a workflow action the application's status does not allow;
    /// the body names `current_status`, `action` and the `allowed` actions.
    IllegalTransition,
    /// 422 for a supplement answer that leaves a requested material out;
    /// the body lists the `missing` keys.
    SupplementIncomplete,
}

impl ProblemKind {
    /// The kinds that own their status: `from_status` maps back to these.
    /// More specific kinds sharing a status (`TierRequired`,
    /// `CursorExpired`, `ValidationFailed`, the idempotency kinds,
    /// `RevisionMismatch`, `MaterialRefused`, `IllegalTransition`,
    /// `SupplementIncomplete`) are left out.
    const ALL: [ProblemKind; 18] = [
        ProblemKind::BadRequest,
        ProblemKind::Unauthorized,
        ProblemKind::Forbidden,
        ProblemKind::NotFound,
        ProblemKind::MethodNotAllowed,
        ProblemKind::Conflict,
        ProblemKind::Gone,
        ProblemKind::PreconditionFailed,
        ProblemKind::PayloadTooLarge,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::UnprocessableContent,
        ProblemKind::TooManyRequests,
        ProblemKind::Internal,
        ProblemKind::BadGateway,
        ProblemKind::ServiceUnavailable,
        ProblemKind::GatewayTimeout,
        ProblemKind::PreconditionRequired,
        ProblemKind::ChecksumMismatch,
    ];

    /// The kind reported with `status`, if the server knows one; used where
    /// the status comes from outside (an injected fault).
    pub(crate) fn from_status(status: u16) -> Option<ProblemKind> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.status().as_u16() == status)
    }

    pub(crate) fn status(self) -> StatusCode {
        match self {
            ProblemKind::BadRequest => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::Gone => StatusCode::GONE,
            ProblemKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::UnprocessableContent => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ProblemKind::BadGateway => StatusCode::BAD_GATEWAY,
            ProblemKind::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
            ProblemKind::TierRequired => StatusCode::FORBIDDEN,
            ProblemKind::CursorExpired => StatusCode::GONE,
            ProblemKind::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ProblemKind::ValidationFailed | ProblemKind::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ProblemKind::IdempotencyKeyRequired => StatusCode::BAD_REQUEST,
            ProblemKind::RevisionMismatch => StatusCode::PRECONDITION_FAILED,
            ProblemKind::ChecksumMismatch => CHECKSUM_MISMATCH,
            ProblemKind::MaterialRefused => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::IllegalTransition => StatusCode::CONFLICT,
            ProblemKind::SupplementIncomplete => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::Unauthorized => "unauthorized",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::Conflict => "conflict",
            ProblemKind::Gone => "gone",
            ProblemKind::PreconditionFailed => "precondition-failed",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::UnprocessableContent => "unprocessable-content",
            ProblemKind::TooManyRequests => "too-many-requests",
            ProblemKind::Internal => "internal",
            ProblemKind::BadGateway => "bad-gateway",
            ProblemKind::ServiceUnavailable => "service-unavailable",
            ProblemKind::GatewayTimeout => "gateway-timeout",
            ProblemKind::TierRequired => "tier-required",
            ProblemKind::CursorExpired => "cursor-expired",
            ProblemKind::PreconditionRequired => "precondition-required",
            ProblemKind::ValidationFailed => "validation-failed",
            ProblemKind::IdempotencyKeyRequired => "idempotency-key-required",
            ProblemKind::IdempotencyKeyReused => "idempotency-key-reused",
            ProblemKind::RevisionMismatch => "revision-mismatch",
            ProblemKind::ChecksumMismatch => "checksum-mismatch",
            ProblemKind::MaterialRefused => "material-refused",
            ProblemKind::IllegalTransition => "illegal-transition",
            ProblemKind::SupplementIncomplete => "supplement-incomplete",
        }
    }

    fn title(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "Bad request",
            ProblemKind::Unauthorized => "Unauthorized",
            ProblemKind::Forbidden => "Forbidden",
            ProblemKind::NotFound => "Not found",
            ProblemKind::MethodNotAllowed => "Method not allowed",
            ProblemKind::Conflict => "Conflict",
            ProblemKind::Gone => "Gone",
            ProblemKind::PreconditionFailed => "Precondition failed",
            ProblemKind::PayloadTooLarge => "Payload too large",
            ProblemKind::UnsupportedMediaType => "Unsupported media type",
            ProblemKind::UnprocessableContent => "Unprocessable content",
            ProblemKind::TooManyRequests => "Too many requests",
            ProblemKind::Internal => "Internal server error",
            ProblemKind::BadGateway => "Bad gateway",
            ProblemKind::ServiceUnavailable => "Service unavailable",
            ProblemKind::GatewayTimeout => "Gateway timeout",
            ProblemKind::TierRequired => "Higher account tier required",
            ProblemKind::CursorExpired => "Cursor expired",
            ProblemKind::PreconditionRequired => "Precondition required",
            ProblemKind::ValidationFailed => "Validation failed",
            ProblemKind::IdempotencyKeyRequired => "Idempotency key required",
            ProblemKind::IdempotencyKeyReused => "Idempotency key reused",
            ProblemKind::RevisionMismatch => "Revision mismatch",
            ProblemKind::ChecksumMismatch => "Checksum mismatch",
            ProblemKind::MaterialRefused => "Material refused",
            ProblemKind::IllegalTransition => "Illegal transition",
            ProblemKind::SupplementIncomplete => "Supplement incomplete",
        }
    }
}

/// An error answer. Handlers return it; it renders itself as problem+json.
#[derive(Debug)]
pub(crate) struct Problem {
    kind: ProblemKind,
    detail: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// RFC 9457 extension members, e.g. `field` on a validation problem.
    extensions: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// `detail` is shown to whoever called the API: it explains this
    /// occurrence and never carries personal data or internals.
    pub(crate) fn new(kind: ProblemKind, detail: impl Into<String>) -> Problem {
        Problem {
            kind,
            detail: detail.into(),
            headers: Vec::new(),
            extensions: serde_json::Map::new(),
        }
    }

    /// 422 naming the request member that is wrong, as the extension member
    /// `field`, so a client can put the message next to the right input.
    pub(crate) fn invalid_field(field: &'static str, detail: impl Into<String>) -> Problem {
        Problem::new(ProblemKind::UnprocessableContent, detail).with_extension("field", field)
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(ProblemKind::BadRequest, detail)
    }

    /// For failures the caller can't fix; the cause goes to the log only.
    pub(crate) fn internal() -> Problem {
        Problem::new(
            ProblemKind::Internal,
            "The server failed to handle the request; quote the request_id when reporting it.",
        )
    }

    pub(crate) fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// Adds an extension member to the body. The standard members win: an
    /// extension can't be named `type`, `title`, `status`, `detail` or
    /// `request_id` (such a call is a bug and the member is dropped).
    pub(crate) fn with_extension(
        mut self,
        name: &'static str,
        value: impl Into<serde_json::Value>,
    ) -> Problem {
        debug_assert!(!RESERVED_MEMBERS.contains(&name), "reserved member {name}");
        if !RESERVED_MEMBERS.contains(&name) {
            self.extensions.insert(name.to_owned(), value.into());
        }
        self
    }

    /// Adds a response header, e.g. `Retry-After`.
    pub(crate) fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Problem {
        self.headers.push((name, value));
        self
    }
}

const RESERVED_MEMBERS: [&str; 5] = ["type", "title", "status", "detail", "request_id"];

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(flatten)]
    extensions: &'a serde_json::Map<String, serde_json::Value>,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.kind.status();
        let body = Body {
            type_uri: format!("{TYPE_BASE}{}", self.kind.slug()),
            title: self.kind.title(),
            status: status.as_u16(),
            detail: &self.detail,
            request_id: request_id::current(),
            extensions: &self.extensions,
        };
        // Serialising strings, numbers and JSON values can't fail; the fallback
        // keeps that a non-panicking certainty.
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
            bytes,
        )
            .into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_status() {
        for kind in ProblemKind::ALL {
            assert_eq!(ProblemKind::from_status(kind.status().as_u16()), Some(kind));
        }
        assert_eq!(ProblemKind::from_status(200), None);
        assert_eq!(ProblemKind::from_status(418), None);
        assert_eq!(
            ProblemKind::from_status(ProblemKind::TierRequired.status().as_u16()),
            Some(ProblemKind::Forbidden)
        );
    }
}
