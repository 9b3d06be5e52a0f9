//! `POST /api/v1/auth/token`: the OAuth 2.0 token endpoint (RFC 6749 §3.2).
//!
//! Form-encoded requests, JSON answers with `Cache-Control: no-store`, and
//! errors in the §5.2 shape rather than problem+json, so any OAuth client
//! library can talk to it. Grants: `password`, the SMS-code extension grant,
//! `refresh_token` (rotating) and `authorization_code` with PKCE S256.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use super::accounts::{self, Tier};
use super::clients::is_known_client;
use super::codes::{self, CodeRefused};
use super::oauth_error::{OAuthError, OAuthErrorCode, no_store_json};
use super::password;
use super::scope::Scope;
use super::sessions::{self, Issued, RefreshRefused};
use super::sms::{self, Checked};
use super::throttle::{self, FailureRecord, Gate};
use crate::problem::Problem;
use crate::state::AppState;
use banshitong_forms::ids::is_mobile_number;

pub(crate) const SMS_CODE_GRANT: &str = "urn:banshitong:params:oauth:grant-type:sms-code";

/// Said for an unknown number and a wrong password alike.
const BAD_CREDENTIALS: &str = "The phone number or password is wrong.";

/// What `POST /api/v1/auth/token` answers on success.
#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: String,
    scope: String,
    user_id: String,
}

impl From<Issued> for TokenResponse {
    fn from(issued: Issued) -> TokenResponse {
        TokenResponse {
            access_token: issued.access_token,
            token_type: "Bearer",
            expires_in: issued.expires_in_secs,
            refresh_token: issued.refresh_token,
            scope: issued.scope.to_string(),
            user_id: issued.user_id,
        }
    }
}

/// A failed grant: the §5.2 error, or (for a server fault) a 500 problem.
enum Failure {
    OAuth(OAuthError),
    Internal(Problem),
}

impl From<OAuthError> for Failure {
    fn from(error: OAuthError) -> Failure {
        Failure::OAuth(error)
    }
}

impl From<crate::db::DbError> for Failure {
    fn from(error: crate::db::DbError) -> Failure {
        Failure::Internal(error.into())
    }
}

pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.dev.auth_stats.count_token_request();
    match grant(&state, &headers, &body).await {
        Ok(issued) => {
            tracing::info!(user_id = %issued.user_id, "tokens issued");
            no_store_json(&TokenResponse::from(issued))
        }
        Err(Failure::OAuth(error)) => error.into_response(),
        Err(Failure::Internal(problem)) => problem.into_response(),
    }
}

async fn grant(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Issued, Failure> {
    let form = Form::parse(headers, body)?;
    let grant_type = form.get("grant_type");
    if grant_type == Some("refresh_token") {
        state.dev.auth_stats.count_refresh_grant();
    }
    let client_id = client_id(headers, &form)?;
    let grant_type = grant_type.ok_or(OAuthError::invalid_request("grant_type is required."))?;
    let requested_scope = match form.get("scope") {
        None => None,
        Some(scope) => Some(Scope::parse(Some(scope)).map_err(|_| {
            OAuthError::invalid_scope("Known scopes are `profile` and `profile:full`.")
        })?),
    };
    match grant_type {
        "password" => password_grant(state, &form, &client_id, requested_scope).await,
        SMS_CODE_GRANT => sms_code_grant(state, &form, &client_id, requested_scope).await,
        "refresh_token" => refresh_grant(state, &form, &client_id, requested_scope).await,
        "authorization_code" => code_grant(state, &form, &client_id, requested_scope).await,
        _ => Err(OAuthError::new(
            OAuthErrorCode::UnsupportedGrantType,
            "Supported grant types: password, refresh_token, authorization_code and \
             urn:banshitong:params:oauth:grant-type:sms-code.",
        )
        .into()),
    }
}

/// The form parameters, each at most once (§3.2); empty values count as
/// absent (§3.1).
struct Form(HashMap<String, String>);

impl Form {
    fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Form, OAuthError> {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|media| {
                media
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err(OAuthError::invalid_request(
                "The body must be application/x-www-form-urlencoded.",
            ));
        }
        let mut params = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            if value.is_empty() {
                continue;
            }
            if params
                .insert(name.into_owned(), value.into_owned())
                .is_some()
            {
                return Err(OAuthError::invalid_request(
                    "A parameter was sent more than once.",
                ));
            }
        }
        Ok(Form(params))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn require(&self, name: &str, missing: &'static str) -> Result<&str, OAuthError> {
        self.get(name).ok_or(OAuthError::invalid_request(missing))
    }
}

/// The client, from `client_id` in the body or HTTP Basic (§2.3.1) with an
/// empty secret: the app is a public client and has none.
fn client_id(headers: &HeaderMap, form: &Form) -> Result<String, OAuthError> {
    let from_basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(basic_client_id(value.to_str().unwrap_or_default()).ok_or(
            OAuthError::invalid_client(
                "Unusable Authorization header; public clients send client_id in the body.",
            ),
        )?),
    };
    let client_id = match (from_basic, form.get("client_id")) {
        (Some(basic), Some(body)) if basic != body => {
            return Err(OAuthError::invalid_request(
                "client_id in the body and in the Authorization header differ.",
            ));
        }
        (Some(basic), _) => basic,
        (None, Some(body)) => body.to_owned(),
        (None, None) => return Err(OAuthError::invalid_client("client_id is required.")),
    };
    if is_known_client(&client_id) {
        Ok(client_id)
    } else {
        Err(OAuthError::invalid_client("Unknown client_id."))
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))` with an empty secret.
fn basic_client_id(value: &str) -> Option<String> {
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(credentials.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    if !secret.is_empty() {
        return None;
    }
    let id: String = url::form_urlencoded::parse(format!("id={id}").as_bytes())
        .next()
        .map(|(_, id)| id.into_owned())?;
    Some(id)
}

/// `profile:full` only for verified users.
fn grantable(requested: Option<Scope>, tier: Tier) -> Result<Scope, OAuthError> {
    let scope = requested.unwrap_or(Scope::PROFILE);
    if scope.full_profile && tier != Tier::Verified {
        return Err(OAuthError::invalid_scope(
            "profile:full is granted to verified (real-name) accounts only.",
        ));
    }
    Ok(scope)
}

async fn password_grant(
    state: &AppState,
    form: &Form,
    client_id: &str,
    requested: Option<Scope>,
) -> Result<Issued, Failure> {
    let username = form.require("username", "username (the phone number) is required.")?;
    let password = form.require("password", "password is required.")?;
    if !is_mobile_number(username) || password.chars().count() > password::MAX_LEN {
        // Nothing to throttle or look up, but the same answer as a wrong
        // password, so the response says nothing about accounts.
        return Err(OAuthError::invalid_grant(BAD_CREDENTIALS).into());
    }

    // Step 1, under the connection: consult the throttle and count this
    // attempt as a failure up front, so concurrent guesses can't all slip
    // through one open gate. A success undoes it below.
    let now = state.clock.now_ms();
    let phone = username.to_owned();
    let (gate, account) = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let record = failure_record(&tx, &phone)?;
            let gate = throttle::gate(record, now);
            if gate == Gate::Open {
                let next = throttle::after_failure(record, now);
                tx.prepare_cached(
                    "INSERT INTO password_failures (phone, consecutive, last_failure_ms) \
                     VALUES (?1, ?2, ?3) ON CONFLICT (phone) DO UPDATE SET \
                     consecutive = excluded.consecutive, last_failure_ms = excluded.last_failure_ms",
                )?
                .execute(rusqlite::params![phone, next.consecutive, next.last_failure_ms])?;
            }
            let account = accounts::by_phone(&tx, &phone)?;
            tx.commit()?;
            Ok((gate, account))
        })
        .await?;
    match gate {
        Gate::Open => {}
        Gate::Wait { retry_after_secs } => {
            return Err(OAuthError::invalid_grant(
                "Too many attempts; wait for the number of seconds in Retry-After.",
            )
            .retry_after(retry_after_secs)
            .into());
        }
        Gate::Locked { retry_after_secs } => {
            return Err(OAuthError::invalid_grant(
                "Password sign-in for this number is locked after too many failures; \
                 wait, or sign in with an SMS code.",
            )
            .retry_after(retry_after_secs)
            .into());
        }
    }

    // Step 2, off the connection: the slow hash comparison.
    let stored = account.as_ref().and_then(|a| a.password_hash.clone());
    let password = password.to_owned();
    let matches =
        tokio::task::spawn_blocking(move || password::verify(&password, stored.as_deref()))
            .await
            .map_err(|error| Failure::Internal(crate::db::DbError::from(error).into()))?;
    let Some(account) = account.filter(|_| matches) else {
        return Err(OAuthError::invalid_grant(BAD_CREDENTIALS).into());
    };

    // Step 3: the password was right; clear the count and sign in.
    let scope = grantable(requested, account.tier);
    let (client_id, ttl, now) = (
        client_id.to_owned(),
        state.access_token_ttl,
        state.clock.now_ms(),
    );
    let issued = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            tx.prepare_cached("DELETE FROM password_failures WHERE phone = ?1")?
                .execute(rusqlite::params![account.phone])?;
            let issued = match scope {
                Ok(scope) => Ok(sessions::start(
                    &tx,
                    &account.id,
                    &client_id,
                    scope,
                    now,
                    ttl,
                )?),
                Err(error) => Err(error),
            };
            tx.commit()?;
            Ok(issued)
        })
        .await??;
    Ok(issued)
}

fn failure_record(
    conn: &rusqlite::Connection,
    phone: &str,
) -> rusqlite::Result<Option<FailureRecord>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(
        "SELECT consecutive, last_failure_ms FROM password_failures WHERE phone = ?1",
    )?
    .query_row(rusqlite::params![phone], |row| {
        Ok(FailureRecord {
            consecutive: row.get(0)?,
            last_failure_ms: row.get(1)?,
        })
    })
    .optional()
}

async fn sms_code_grant(
    state: &AppState,
    form: &Form,
    client_id: &str,
    requested: Option<Scope>,
) -> Result<Issued, Failure> {
    let phone = form.require("phone", "phone is required.")?;
    let code = form.require("code", "code (the six digits sent by SMS) is required.")?;
    if !is_mobile_number(phone) {
        return Err(OAuthError::invalid_request("phone must be an 11-digit mobile number.").into());
    }
    let (phone, code, client_id) = (phone.to_owned(), code.to_owned(), client_id.to_owned());
    let (ttl, now) = (state.access_token_ttl, state.clock.now_ms());
    let issued = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let outcome = match sms::check(&tx, &phone, &code, now)? {
                Checked::NoLiveCode => Err(OAuthError::invalid_grant(
                    "No valid code for this number: it expired, was used or was tried too \
                     often. Request a new one.",
                )),
                Checked::Wrong { now_dead: false } => {
                    Err(OAuthError::invalid_grant("The code is wrong."))
                }
                Checked::Wrong { now_dead: true } => Err(OAuthError::invalid_grant(
                    "The code is wrong and has now been tried too often; request a new one.",
                )),
                Checked::Right => {
                    // A new number is registered on the spot, as in the real app.
                    let account = accounts::find_or_register(&tx, &phone, now)?;
                    match grantable(requested, account.tier) {
                        // The code stays usable for a retry with a narrower scope.
                        Err(error) => Err(error),
                        Ok(scope) => {
                            sms::consume(&tx, &phone)?;
                            Ok(sessions::start(
                                &tx,
                                &account.id,
                                &client_id,
                                scope,
                                now,
                                ttl,
                            )?)
                        }
                    }
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await??;
    Ok(issued)
}

async fn refresh_grant(
    state: &AppState,
    form: &Form,
    client_id: &str,
    requested: Option<Scope>,
) -> Result<Issued, Failure> {
    let token = form
        .require("refresh_token", "refresh_token is required.")?
        .to_owned();
    let client_id = client_id.to_owned();
    let (ttl, now) = (state.access_token_ttl, state.clock.now_ms());
    let outcome = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let outcome = sessions::refresh(&tx, &token, &client_id, requested, now, ttl)?;
            tx.commit()?;
            Ok(outcome)
        })
        .await?;
    outcome.map_err(|refused| {
        let error = match refused {
            RefreshRefused::Unknown => OAuthError::invalid_grant("Unknown refresh token."),
            RefreshRefused::Expired => OAuthError::invalid_grant("The refresh token has expired."),
            RefreshRefused::Revoked => {
                OAuthError::invalid_grant("This sign-in has ended; sign in again.")
            }
            RefreshRefused::Reused => OAuthError::invalid_grant(
                "The refresh token was already used; the sign-in has been revoked.",
            ),
            RefreshRefused::OtherClient => {
                OAuthError::invalid_grant("The refresh token was issued to another client.")
            }
            RefreshRefused::ScopeExceeded => {
                OAuthError::invalid_scope("A refresh can't add scope the sign-in was not granted.")
            }
        };
        Failure::OAuth(error)
    })
}

async fn code_grant(
    state: &AppState,
    form: &Form,
    client_id: &str,
    requested: Option<Scope>,
) -> Result<Issued, Failure> {
    let code = form.require("code", "code is required.")?.to_owned();
    let redirect_uri = form
        .require("redirect_uri", "redirect_uri is required.")?
        .to_owned();
    let verifier = form
        .require("code_verifier", "code_verifier is required (PKCE).")?
        .to_owned();
    if !codes::is_pkce_string(&verifier) {
        return Err(OAuthError::invalid_request(
            "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.",
        )
        .into());
    }
    let client_id = client_id.to_owned();
    let (ttl, now) = (state.access_token_ttl, state.clock.now_ms());
    let issued = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let outcome =
                match codes::redeem(&tx, &code, &client_id, &redirect_uri, &verifier, now)? {
                    Err(refused) => Err(OAuthError::invalid_grant(match refused {
                        CodeRefused::Unknown => "Unknown or expired authorization code.",
                        CodeRefused::Reused => {
                            "The authorization code was already used; its sign-in has been revoked."
                        }
                        CodeRefused::OtherClient => {
                            "The authorization code was issued to another client."
                        }
                        CodeRefused::RedirectUriMismatch => {
                            "redirect_uri differs from the one the code was issued for."
                        }
                        CodeRefused::VerifierMismatch => {
                            "code_verifier does not match the code_challenge."
                        }
                    })),
                    Ok(redeemed) => match accounts::by_id(&tx, &redeemed.user_id)? {
                        None => Err(OAuthError::invalid_grant(
                            "Unknown or expired authorization code.",
                        )),
                        Some(account) => {
                            match grantable(requested.or(Some(redeemed.scope)), account.tier) {
                                Err(error) => Err(error),
                                Ok(scope) => {
                                    let issued = sessions::start(
                                        &tx,
                                        &account.id,
                                        &client_id,
                                        scope,
                                        now,
                                        ttl,
                                    )?;
                                    codes::link_session(&tx, &redeemed, &issued.session_id)?;
                                    Ok(issued)
                                }
                            }
                        }
                    },
                };
            tx.commit()?;
            Ok(outcome)
        })
        .await??;
    Ok(issued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_client_ids() {
        let header = |raw: &str| format!("Basic {}", STANDARD.encode(raw));
        assert_eq!(
            basic_client_id(&header("banshitong-app:")).as_deref(),
            Some("banshitong-app")
        );
        assert_eq!(basic_client_id(&header("a%20b:")).as_deref(), Some("a b"));
        assert_eq!(basic_client_id(&header("banshitong-app:secret")), None);
        assert_eq!(basic_client_id(&header("no-colon")), None);
        assert_eq!(basic_client_id("Bearer abc"), None);
        assert_eq!(basic_client_id("Basic !!!"), None);
    }

    #[test]
    fn full_profile_needs_verification() {
        let full = Scope { full_profile: true };
        assert!(grantable(Some(full), Tier::Registered).is_err());
        assert_eq!(grantable(Some(full), Tier::Verified).unwrap(), full);
        assert_eq!(grantable(None, Tier::Registered).unwrap(), Scope::PROFILE);
    }
}
