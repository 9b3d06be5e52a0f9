//! Unified identity (统一身份认证): one real-name sign-in for every service.
//!
//! Sign in by SMS code, password or a third-party identity provider (OAuth
//! 2.0 with PKCE); verify the real name; act for a company; sign out. Tokens
//! live only in the SecretStore and are refreshed automatically; the session
//! state is a subscription (current value first).

pub mod model;
mod pkce;
pub(crate) mod session;
mod token_api;
mod tokens;

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use url::Url;

pub use model::{
    Company, Profile, SessionState, SmsCodeSent, ThirdPartySignIn, Tier, Verification,
};

use self::pkce::PendingSignIn;
use self::session::Session;
use self::token_api::{CLIENT_ID, Grant, SMS_GRANT, request_tokens};
use crate::error::{Error, Result};
use crate::events::Subscription;
use crate::http::{HttpClient, read_json};
use crate::platform::SecretStore;
use crate::store::PersonalDbs;

/// The identity domain's handle; cheap to clone.
#[derive(Clone)]
pub struct Auth {
    http: HttpClient,
    session: Arc<Session>,
    secrets: Arc<dyn SecretStore>,
    personal: Arc<PersonalDbs>,
}

impl Auth {
    pub(crate) fn new(
        http: HttpClient,
        session: Arc<Session>,
        secrets: Arc<dyn SecretStore>,
        personal: Arc<PersonalDbs>,
    ) -> Self {
        Self {
            http,
            session,
            secrets,
            personal,
        }
    }

    pub fn state(&self) -> SessionState {
        self.session.state().get()
    }

    /// The session state: the current value first, then each change.
    pub fn watch(&self) -> Subscription<SessionState> {
        self.session.state().subscribe()
    }

    /// Texts a one-time sign-in code to `phone` (11 digits).
    pub async fn send_sms_code(&self, phone: &str) -> Result<SmsCodeSent> {
        let body = json!({ "phone": phone });
        let response = self
            .http
            .send(Method::POST, "api/v1/auth/sms-code", |r| r.json(&body))
            .await?;
        read_json(response).await
    }

    /// Signs in with a texted code; a new number is registered on the spot.
    pub async fn sign_in_with_sms(&self, phone: &str, code: &str) -> Result<Profile> {
        self.sign_in(
            Grant::SmsCode,
            &[("grant_type", SMS_GRANT), ("phone", phone), ("code", code)],
        )
        .await
    }

    pub async fn sign_in_with_password(&self, phone: &str, password: &str) -> Result<Profile> {
        self.sign_in(
            Grant::Password,
            &[
                ("grant_type", "password"),
                ("username", phone),
                ("password", password),
            ],
        )
        .await
    }

    /// Sets (or, with `current`, changes) the signed-in user's password.
    pub async fn set_password(&self, new_password: &str, current: Option<&str>) -> Result<()> {
        let body = json!({ "password": new_password, "current_password": current });
        self.session
            .send(Method::PUT, "api/v1/me/password", |r| r.json(&body))
            .await?;
        Ok(())
    }

    /// Starts a sign-in with a third-party identity provider: open the
    /// returned URL in a browser; the provider redirects to `redirect_uri`,
    /// which the app passes to `complete_third_party_sign_in`.
    /// `login_hint` pre-selects an account where the provider supports it.
    pub fn begin_third_party_sign_in(
        &self,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> Result<ThirdPartySignIn> {
        let pending = PendingSignIn::new(redirect_uri);
        let mut url = self.http.endpoint().url("oauth/authorize")?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", CLIENT_ID)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("state", &pending.state)
                .append_pair("code_challenge", &pending.code_challenge())
                .append_pair("code_challenge_method", "S256");
            if let Some(hint) = login_hint {
                query.append_pair("login_hint", hint);
            }
        }
        pending.save(self.secrets.as_ref())?;
        Ok(ThirdPartySignIn {
            authorization_url: url.to_string(),
            state: pending.state,
        })
    }

    /// Finishes a third-party sign-in from the URL the provider redirected
    /// to. A state that does not match the one we sent is refused (CSRF).
    pub async fn complete_third_party_sign_in(&self, redirect_url: &str) -> Result<Profile> {
        let pending = PendingSignIn::take(self.secrets.as_ref())?
            .ok_or_else(|| Error::invalid_input("no third-party sign-in is in progress"))?;
        let url = Url::parse(redirect_url)
            .map_err(|_| Error::invalid_input("the redirect URL is not a URL"))?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if param("state").as_deref() != Some(pending.state.as_str()) {
            return Err(Error::Validation {
                field: "state".to_owned(),
                message: "the sign-in answer does not belong to this request".to_owned(),
            });
        }
        if let Some(error) = param("error") {
            return Err(Error::Validation {
                field: "authorization".to_owned(),
                message: param("error_description").unwrap_or(error),
            });
        }
        let code = param("code")
            .ok_or_else(|| Error::protocol("the redirect carries no authorization code"))?;
        self.sign_in(
            Grant::AuthorizationCode,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &pending.redirect_uri),
                ("code_verifier", &pending.code_verifier),
            ],
        )
        .await
    }

    /// Real-name verification (实名认证); on success the tier becomes Verified.
    pub async fn verify_identity(&self, verification: Verification) -> Result<Profile> {
        let response = self
            .session
            .send(Method::POST, "api/v1/me/verification", |r| {
                r.json(&verification)
            })
            .await?;
        self.publish(read_json(response).await?)
    }

    /// Records that the (verified) user represents a company.
    pub async fn add_company(&self, uscc: &str, name: &str) -> Result<Profile> {
        let body = json!({ "uscc": uscc, "name": name });
        self.session
            .send(Method::POST, "api/v1/me/companies", |r| r.json(&body))
            .await?;
        self.session.refresh_profile().await
    }

    /// Acts for a company (`Some(uscc)`) or for oneself (`None`) from now on.
    pub async fn switch_acting_identity(&self, uscc: Option<String>) -> Result<Profile> {
        let body = json!({ "uscc": uscc });
        let response = self
            .session
            .send(Method::POST, "api/v1/me/acting-as", |r| r.json(&body))
            .await?;
        self.publish(read_json(response).await?)
    }

    /// The signed-in user's profile, fresh from the platform; the last one
    /// seen when the platform cannot be reached.
    pub async fn profile(&self) -> Result<Profile> {
        match self.session.refresh_profile().await {
            Err(e) if e.is_network() => match self.state() {
                SessionState::SignedIn { profile, .. } => Ok(profile),
                _ => Err(e),
            },
            other => other,
        }
    }

    /// Signs out here and on the platform. With `wipe_local_data`, the user's
    /// personal database and its key are deleted too; without, they stay
    /// (encrypted) and reopen at the user's next sign-in.
    pub async fn sign_out(&self, wipe_local_data: bool) -> Result<()> {
        let user = self.session.last_user();
        self.session.end().await?;
        if let (true, Some(user)) = (wipe_local_data, user) {
            self.personal.wipe(&user)?;
        }
        Ok(())
    }

    async fn sign_in(&self, grant: Grant, params: &[(&str, &str)]) -> Result<Profile> {
        let (user_id, tokens) = request_tokens(&self.http, grant, params).await?;
        if self.session.signed_in_user().is_some_and(|u| u != user_id) {
            // Someone else was signed in: end their session properly first.
            self.session.end().await?;
        }
        self.session.establish(user_id, tokens).await
    }

    fn publish(&self, profile: Profile) -> Result<Profile> {
        self.session.set_profile(profile.clone())?;
        Ok(profile)
    }
}
