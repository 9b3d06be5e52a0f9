//! RFC 6749 §5.2 error responses, used by the token endpoint only: the
//! format any OAuth client library understands, not problem+json.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The `error` codes of §5.2 this server answers with. (`unauthorized_client`
/// completes the RFC's list but is never sent: the one client may use every
/// grant.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
    InvalidScope,
}

impl OAuthErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
        }
    }
}

/// A token-endpoint error. `description` is for the developer, never
/// personal data, and must stay within the characters §5.2 allows.
#[derive(Debug)]
pub(crate) struct OAuthError {
    pub(crate) code: OAuthErrorCode,
    pub(crate) description: &'static str,
    pub(crate) retry_after_secs: Option<u64>,
}

impl OAuthError {
    pub(crate) fn new(code: OAuthErrorCode, description: &'static str) -> OAuthError {
        OAuthError {
            code,
            description,
            retry_after_secs: None,
        }
    }

    pub(crate) fn invalid_request(description: &'static str) -> OAuthError {
        OAuthError::new(OAuthErrorCode::InvalidRequest, description)
    }

    pub(crate) fn invalid_grant(description: &'static str) -> OAuthError {
        OAuthError::new(OAuthErrorCode::InvalidGrant, description)
    }

    pub(crate) fn invalid_client(description: &'static str) -> OAuthError {
        OAuthError::new(OAuthErrorCode::InvalidClient, description)
    }

    pub(crate) fn invalid_scope(description: &'static str) -> OAuthError {
        OAuthError::new(OAuthErrorCode::InvalidScope, description)
    }

    pub(crate) fn retry_after(mut self, secs: u64) -> OAuthError {
        self.retry_after_secs = Some(secs);
        self
    }
}

#[derive(Serialize)]
struct Body {
    error: &'static str,
    error_description: &'static str,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = if self.code == OAuthErrorCode::InvalidClient {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        let body = Body {
            error: self.code.as_str(),
            error_description: self.description,
        };
        let mut response = (status, no_store_json(&body)).into_response();
        if self.code == OAuthErrorCode::InvalidClient {
            // §5.2: a 401 names the authentication scheme the client may use.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"banshitong\""),
            );
        }
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A JSON body with the caching headers §5.1 requires of every token
/// endpoint response: `Cache-Control: no-store` and `Pragma: no-cache`.
pub(crate) fn no_store_json(body: &impl Serialize) -> Response {
    // Plain strings and numbers always serialise.
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response()
}
