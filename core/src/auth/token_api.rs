//! The OAuth 2.0 token endpoint (RFC 6749 §3.2) and the one place its error
//! answers (§5.2, not problem+json) become core errors.

use std::time::Duration;

use reqwest::{Method, header};
use serde::Deserialize;

use super::tokens::Tokens;
use crate::error::{Error, Result};
use crate::http::{HttpClient, Problem};
use crate::time_util::now_ms;

pub(crate) const CLIENT_ID: &str = "banshitong-app";
pub(crate) const SMS_GRANT: &str = "urn:banshitong:params:oauth:grant-type:sms-code";
const TOKEN_PATH: &str = "api/v1/auth/token";

/// Which grant was asked for: it decides what a refusal means to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    Password,
    SmsCode,
    AuthorizationCode,
    Refresh,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
    #[serde(default)]
    scope: String,
    user_id: String,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Sends one token request; returns the tokens and the user they belong to.
pub(crate) async fn request_tokens(
    http: &HttpClient,
    grant: Grant,
    params: &[(&str, &str)],
) -> Result<(String, Tokens)> {
    let mut form: Vec<(&str, &str)> = vec![("client_id", CLIENT_ID)];
    form.extend_from_slice(params);
    let response = http
        .send_raw(Method::POST, TOKEN_PATH, |r| r.form(&form))
        .await?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response
        .bytes()
        .await
        .map_err(|_| Error::protocol("the token answer was cut off"))?;
    if status.is_success() {
        let answer: TokenAnswer =
            serde_json::from_slice(&body).map_err(|_| Error::protocol("malformed token answer"))?;
        let tokens = Tokens {
            access_token: answer.access_token.clone(),
            refresh_token: answer.refresh_token.clone(),
            access_expires_at_ms: now_ms() + answer.expires_in.max(0) * 1000,
            scope: answer.scope.clone(),
        };
        return Ok((answer.user_id.clone(), tokens));
    }
    match serde_json::from_slice::<OAuthError>(&body) {
        Ok(oauth) => Err(oauth_error(grant, status.as_u16(), oauth, retry_after)),
        // Not an OAuth answer (a 500 problem, a proxy page): map it like any other.
        Err(_) => {
            Err(Error::Server {
                status: status.as_u16(),
                problem: Box::new(serde_json::from_slice(&body).unwrap_or_else(|_| {
                    Problem::from_status(status.as_u16(), "token endpoint error")
                })),
            })
        }
    }
}

fn oauth_error(grant: Grant, status: u16, e: OAuthError, retry_after: Option<Duration>) -> Error {
    let description = e
        .error_description
        .clone()
        .unwrap_or_else(|| e.error.clone());
    match (e.error.as_str(), grant) {
        // Throttled (password back-off, lock-out): "try again at T".
        ("invalid_grant", _) if retry_after.is_some() => Error::Unavailable {
            status,
            attempts: 1,
            retry_after,
        },
        ("invalid_grant", Grant::Refresh) => Error::SessionExpired {
            reason: description,
        },
        ("invalid_grant", Grant::Password) => Error::Validation {
            field: "password".to_owned(),
            message: description,
        },
        ("invalid_grant", Grant::SmsCode) => Error::Validation {
            field: "code".to_owned(),
            message: description,
        },
        ("invalid_grant", Grant::AuthorizationCode) => Error::Validation {
            field: "authorization_code".to_owned(),
            message: description,
        },
        ("invalid_scope", _) => Error::Validation {
            field: "scope".to_owned(),
            message: description,
        },
        _ => Error::Server {
            status,
            problem: Box::new(Problem {
                problem_type: format!("urn:ietf:params:oauth:error:{}", e.error),
                title: e.error,
                status: Some(status),
                detail: e.error_description,
                instance: None,
                request_id: None,
                field: None,
                required_tier: None,
            }),
        },
    }
}
