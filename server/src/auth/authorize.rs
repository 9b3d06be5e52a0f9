//! `GET /oauth/authorize`: the authorization endpoint (RFC 6749 §4.1.1) of a
//! simulated third-party identity provider.
//!
//! There is no login page: the provider approves the account named by
//! `login_hint` at once (registering the number if new) and redirects back
//! with a code bound to the PKCE S256 challenge. That lets the app's
//! browser-based sign-in be tested end to end without a browser.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::accounts;
use super::clients::{is_allowed_redirect_uri, is_known_client};
use super::codes::{self, NewCode};
use super::scope::Scope;
use crate::problem::Problem;
use crate::state::AppState;
use banshitong_forms::ids::is_mobile_number;

pub(crate) async fn authorize(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let (params, repeated) = parse_query(query.as_deref().unwrap_or_default());

    // §4.1.2.1: without a trustworthy client and redirect URI, tell the user
    // agent, never redirect.
    if repeated
        .iter()
        .any(|name| name == "client_id" || name == "redirect_uri")
    {
        return Err(Problem::bad_request(
            "client_id and redirect_uri must each appear once.",
        ));
    }
    let client_id = params
        .get("client_id")
        .map(String::as_str)
        .unwrap_or_default();
    if !is_known_client(client_id) {
        return Err(Problem::bad_request(
            "client_id is missing or not a registered client.",
        ));
    }
    let Some(redirect_uri) = params
        .get("redirect_uri")
        .filter(|uri| is_allowed_redirect_uri(uri))
    else {
        return Err(Problem::bad_request(
            "redirect_uri is missing or not allowed: use banshitong://… or a loopback \
             http://127.0.0.1 or http://localhost address, without a fragment.",
        ));
    };
    let back = Redirect {
        redirect_uri,
        state: params.get("state").map(String::as_str),
    };

    // From here on, errors go back to the client by redirect (§4.1.2.1).
    if !repeated.is_empty() {
        return Ok(back.error("invalid_request", "A parameter was sent more than once."));
    }
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        None => return Ok(back.error("invalid_request", "response_type is required.")),
        Some(_) => {
            return Ok(back.error(
                "unsupported_response_type",
                "Only response_type=code is supported.",
            ));
        }
    }
    let Some(challenge) = params
        .get("code_challenge")
        .filter(|c| codes::is_pkce_string(c))
    else {
        return Ok(back.error(
            "invalid_request",
            "code_challenge is required: PKCE with S256 (RFC 7636).",
        ));
    };
    if params.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return Ok(back.error("invalid_request", "code_challenge_method must be S256."));
    }
    let Ok(scope) = Scope::parse(params.get("scope").map(String::as_str)) else {
        return Ok(back.error(
            "invalid_scope",
            "Known scopes are profile and profile:full.",
        ));
    };
    let Some(phone) = params.get("login_hint").filter(|p| is_mobile_number(p)) else {
        return Ok(back.error(
            "invalid_request",
            "login_hint must name the mobile number to approve.",
        ));
    };

    let (phone, client, uri, challenge) = (
        phone.clone(),
        client_id.to_owned(),
        redirect_uri.clone(),
        challenge.clone(),
    );
    let now = state.clock.now_ms();
    let code = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let account = accounts::find_or_register(&tx, &phone, now)?;
            let code = codes::create(
                &tx,
                &NewCode {
                    user_id: &account.id,
                    client_id: &client,
                    redirect_uri: &uri,
                    code_challenge: &challenge,
                    scope,
                },
                now,
            )?;
            tx.commit()?;
            tracing::info!(user_id = %account.id, "authorization code issued");
            Ok(code)
        })
        .await?;
    Ok(back.with(&[("code", &code)]))
}

/// Parameters by name, and the names that appeared more than once.
fn parse_query(query: &str) -> (HashMap<String, String>, Vec<String>) {
    let mut params = HashMap::new();
    let mut repeated = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if value.is_empty() {
            continue;
        }
        if params
            .insert(name.to_string(), value.into_owned())
            .is_some()
        {
            repeated.push(name.into_owned());
        }
    }
    (params, repeated)
}

struct Redirect<'a> {
    redirect_uri: &'a str,
    state: Option<&'a str>,
}

impl Redirect<'_> {
    fn error(&self, error: &str, description: &str) -> Response {
        self.with(&[("error", error), ("error_description", description)])
    }

    /// 302 to the redirect URI with `pairs` and `state` added to its query.
    fn with(&self, pairs: &[(&str, &str)]) -> Response {
        // The URI passed `is_allowed_redirect_uri`, so it parses.
        let Ok(mut location) = url::Url::parse(self.redirect_uri) else {
            return Problem::internal().into_response();
        };
        {
            let mut query = location.query_pairs_mut();
            for (name, value) in pairs {
                query.append_pair(name, value);
            }
            if let Some(state) = self.state {
                query.append_pair("state", state);
            }
        }
        let Ok(value) = HeaderValue::from_str(location.as_str()) else {
            return Problem::internal().into_response();
        };
        (
            StatusCode::FOUND,
            [
                (header::LOCATION, value),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response()
    }
}
