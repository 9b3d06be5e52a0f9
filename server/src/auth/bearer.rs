//! The `Authorization: Bearer` extractor of authenticated routes (RFC 6750).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};

use super::sessions::{self, Bearer};
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// The signed-in caller. A handler that takes it answers 401 problem+json
/// (type `unauthorized`) to a request without a live access token.
pub(crate) struct SignedIn(pub(crate) Bearer);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            // RFC 6750 §3.1: no error code when no credentials were sent.
            return Err(unauthorized(
                "This operation needs a Bearer access token.",
                false,
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned())
            .filter(|token| !token.is_empty());
        let Some(token) = token else {
            return Err(unauthorized(
                "The Authorization header is not a Bearer token.",
                true,
            ));
        };
        let now = state.clock.now_ms();
        match state
            .db
            .call(move |conn| sessions::authenticate(conn, &token, now))
            .await?
        {
            Some(bearer) => Ok(SignedIn(bearer)),
            None => Err(unauthorized(
                "The access token is unknown, expired or revoked; refresh it or sign in again.",
                true,
            )),
        }
    }
}

fn unauthorized(detail: &'static str, invalid_token: bool) -> Problem {
    let challenge = if invalid_token {
        "Bearer error=\"invalid_token\""
    } else {
        "Bearer"
    };
    Problem::new(ProblemKind::Unauthorized, detail).with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    )
}
