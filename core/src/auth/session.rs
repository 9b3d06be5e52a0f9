//! The session: who is signed in, their tokens, and authorised requests with
//! automatic, single-flight token refresh.
//!
//! When many requests meet an expired access token at once, exactly one of
//! them refreshes: the others wait on `refresh_lock` and then find a newer
//! token than the one that failed them. This matters beyond traffic: the
//! platform rotates refresh tokens and treats a second use of one as theft,
//! revoking the whole sign-in.

use std::sync::{Arc, Mutex};

use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;

use super::model::{Profile, SessionState};
use super::token_api::{Grant, request_tokens};
use super::tokens::{self, SessionRecord, Tokens};
use crate::error::{Error, Result};
use crate::events::Watched;
use crate::http::HttpClient;
use crate::platform::SecretStore;
use crate::time_util::now_ms;

/// Refresh a little before the platform would refuse the token, so a request
/// does not leave with a token that dies on the way.
const EXPIRY_MARGIN_MS: i64 = 30_000;

pub(crate) struct Session {
    http: HttpClient,
    secrets: Arc<dyn SecretStore>,
    record: Mutex<Option<SessionRecord>>,
    state: Watched<SessionState>,
    refresh_lock: tokio::sync::Mutex<()>,
}

impl Session {
    /// Restores the session saved in the SecretStore: no network, so the app
    /// shows who is signed in at once, even offline.
    pub fn restore(http: HttpClient, secrets: Arc<dyn SecretStore>) -> Self {
        let record = tokens::load(secrets.as_ref()).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "stored session unreadable; starting signed out");
            None
        });
        let state = Watched::new(state_of(record.as_ref()));
        Self {
            http,
            secrets,
            record: Mutex::new(record),
            state,
            refresh_lock: tokio::sync::Mutex::new(()),
        }
    }

    pub fn state(&self) -> &Watched<SessionState> {
        &self.state
    }

    /// The user whose session holds tokens now, if any.
    pub fn signed_in_user(&self) -> Option<String> {
        self.lock()
            .as_ref()
            .filter(|r| r.tokens.is_some())
            .map(|r| r.user_id.clone())
    }

    /// The user of the current or the expired session (whose data is on the device).
    pub fn last_user(&self) -> Option<String> {
        self.lock().as_ref().map(|r| r.user_id.clone())
    }

    /// Starts a session with fresh tokens and fetches the profile.
    pub async fn establish(&self, user_id: String, tokens: Tokens) -> Result<Profile> {
        self.store(SessionRecord {
            user_id,
            tokens: Some(tokens),
            profile: None,
            expired_reason: None,
        })?;
        self.refresh_profile().await
    }

    /// Fetches the profile and publishes it as the session state.
    pub async fn refresh_profile(&self) -> Result<Profile> {
        let profile: Profile = self.get_json("api/v1/me").await?;
        self.set_profile(profile.clone())?;
        Ok(profile)
    }

    pub fn set_profile(&self, profile: Profile) -> Result<()> {
        let mut record = self.current_record()?;
        record.profile = Some(profile);
        self.store(record)
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let response = self.send(Method::GET, path, |r| r).await?;
        crate::http::read_json(response).await
    }

    /// Sends a request as the signed-in user. A 401 triggers one refresh and
    /// one retry; a refresh the platform refuses ends the session (Expired).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        let token = self.valid_access_token().await?;
        let first = self
            .http
            .send(method.clone(), path, |r| build(r).bearer_auth(&token))
            .await;
        match first {
            Err(Error::Unauthorized) => {
                let token = self.refresh(&token).await?;
                self.http
                    .send(method, path, |r| build(r).bearer_auth(&token))
                    .await
            }
            other => other,
        }
    }

    /// Like `send`, but an error answer other than 401 is returned as it is,
    /// for callers that read the platform's error bodies themselves (a 422
    /// with per-field errors, a 412 with the current revision).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        let token = self.valid_access_token().await?;
        let first = self
            .http
            .send_raw(method.clone(), path, |r| build(r).bearer_auth(&token))
            .await?;
        if first.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(first);
        }
        let token = self.refresh(&token).await?;
        self.http
            .send_raw(method, path, |r| build(r).bearer_auth(&token))
            .await
    }

    /// Ends the session here and, best effort, on the platform.
    pub async fn end(&self) -> Result<()> {
        let access = self
            .lock()
            .as_ref()
            .and_then(|r| r.tokens.as_ref().map(|t| t.access_token.clone()));
        if let Some(token) = access {
            let revoked = self
                .http
                .send(Method::POST, "api/v1/auth/logout", |r| {
                    r.bearer_auth(&token)
                })
                .await;
            if let Err(e) = revoked {
                // Offline or already revoked: the tokens die with the secret below.
                tracing::info!(error = %e, "platform sign-out not confirmed");
            }
        }
        tokens::forget(self.secrets.as_ref())?;
        *self.lock() = None;
        self.state.set(SessionState::SignedOut);
        Ok(())
    }

    async fn valid_access_token(&self) -> Result<String> {
        let tokens = self.current_tokens()?;
        if tokens.access_expires_at_ms - EXPIRY_MARGIN_MS > now_ms() {
            return Ok(tokens.access_token.clone());
        }
        self.refresh(&tokens.access_token).await
    }

    /// Replaces `stale_access` with a fresh token, unless another task already did.
    async fn refresh(&self, stale_access: &str) -> Result<String> {
        let _only_one = self.refresh_lock.lock().await;
        let tokens = self.current_tokens()?;
        let still_valid = tokens.access_expires_at_ms - EXPIRY_MARGIN_MS > now_ms();
        if tokens.access_token != stale_access && still_valid {
            return Ok(tokens.access_token.clone());
        }
        let refreshed = request_tokens(
            &self.http,
            Grant::Refresh,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &tokens.refresh_token),
            ],
        )
        .await;
        match refreshed {
            Ok((_, fresh)) => {
                let access = fresh.access_token.clone();
                let mut record = self.current_record()?;
                record.tokens = Some(fresh);
                self.store(record)?;
                tracing::debug!("access token refreshed");
                Ok(access)
            }
            Err(Error::SessionExpired { reason }) => {
                self.expire(&reason)?;
                Err(Error::SessionExpired { reason })
            }
            Err(other) => Err(other),
        }
    }

    /// The platform ended the session: forget the tokens, keep whose data it is.
    fn expire(&self, reason: &str) -> Result<()> {
        let mut record = self.current_record()?;
        record.tokens = None;
        record.expired_reason = Some(reason.to_owned());
        tracing::info!("session expired; local data kept for the next sign-in");
        self.store(record)
    }

    fn current_record(&self) -> Result<SessionRecord> {
        self.lock().clone().ok_or(Error::Unauthorized)
    }

    fn current_tokens(&self) -> Result<Tokens> {
        let record = self.current_record()?;
        match record.tokens {
            Some(tokens) => Ok(tokens),
            None => Err(Error::SessionExpired {
                reason: record
                    .expired_reason
                    .unwrap_or_else(|| "signed out".to_owned()),
            }),
        }
    }

    /// Saves the record to the SecretStore, then publishes the new state.
    fn store(&self, record: SessionRecord) -> Result<()> {
        tokens::save(self.secrets.as_ref(), &record)?;
        let state = state_of(Some(&record));
        *self.lock() = Some(record);
        self.state.set(state);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SessionRecord>> {
        self.record.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn state_of(record: Option<&SessionRecord>) -> SessionState {
    match record {
        None => SessionState::SignedOut,
        Some(r) if r.tokens.is_none() => SessionState::Expired {
            reason: r
                .expired_reason
                .clone()
                .unwrap_or_else(|| "the session ended".to_owned()),
        },
        Some(r) => match &r.profile {
            Some(profile) => SessionState::signed_in(profile.clone()),
            // Tokens but no profile yet: the moment between token and /me.
            None => SessionState::SignedOut,
        },
    }
}
