//! Dev-only views into unified identity: the SMS outbox (there is no SMS
//! gateway), token-endpoint counters, and forcing access tokens to expire.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::auth::sessions;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::state::AppState;

/// Oldest messages are dropped past this many.
const OUTBOX_CAPACITY: usize = 1000;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SmsMessage {
    phone: String,
    code: String,
    sent_at_ms: i64,
}

/// The texts the server "sent", oldest first. In memory only.
#[derive(Clone, Default)]
pub(crate) struct SmsOutbox {
    messages: Arc<Mutex<VecDeque<SmsMessage>>>,
}

impl SmsOutbox {
    pub(crate) fn push(&self, phone: &str, code: &str, sent_at_ms: i64) {
        let mut messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        if messages.len() == OUTBOX_CAPACITY {
            messages.pop_front();
        }
        messages.push_back(SmsMessage {
            phone: phone.to_owned(),
            code: code.to_owned(),
            sent_at_ms,
        });
    }

    fn list(&self, phone: Option<&str>) -> Vec<SmsMessage> {
        let messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        messages
            .iter()
            .filter(|message| phone.is_none_or(|phone| message.phone == phone))
            .cloned()
            .collect()
    }
}

/// Calls to the token endpoint, whatever their outcome.
#[derive(Clone, Default)]
pub(crate) struct AuthStats {
    token_requests: Arc<AtomicU64>,
    refresh_grants: Arc<AtomicU64>,
}

impl AuthStats {
    pub(crate) fn count_token_request(&self) {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_refresh_grant(&self) {
        self.refresh_grants.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(Deserialize)]
pub(crate) struct OutboxFilter {
    phone: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Outbox {
    messages: Vec<SmsMessage>,
}

/// `GET /dev/sms-outbox[?phone=]`: the texts sent (to that number), newest
/// last.
pub(crate) async fn sms_outbox(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<OutboxFilter>,
) -> Json<Outbox> {
    Json(Outbox {
        messages: state.dev.sms_outbox.list(filter.phone.as_deref()),
    })
}

#[derive(Serialize)]
pub(crate) struct Stats {
    token_requests: u64,
    refresh_grants: u64,
}

/// `GET /dev/auth-stats`: how often the token endpoint was called, and how
/// many of those calls were `grant_type=refresh_token`.
pub(crate) async fn auth_stats(State(state): State<AppState>) -> Json<Stats> {
    let stats = &state.dev.auth_stats;
    Json(Stats {
        token_requests: stats.token_requests.load(Ordering::Relaxed),
        refresh_grants: stats.refresh_grants.load(Ordering::Relaxed),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpireFilter {
    user_id: Option<String>,
}

/// `POST /dev/auth/expire-access-tokens` with an optional JSON body
/// `{"user_id": "u_…"}`: every live access token (of that user) expires now,
/// so the next call with one answers 401 and the client must refresh.
pub(crate) async fn expire_access_tokens(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    let filter = if body.iter().all(u8::is_ascii_whitespace) {
        ExpireFilter { user_id: None }
    } else {
        serde_json::from_slice::<ExpireFilter>(&body).map_err(|error| {
            Problem::bad_request(format!(
                "The body must be empty or {{\"user_id\": \"u_…\"}}: {error}"
            ))
        })?
    };
    let now = state.clock.now_ms();
    let expired = state
        .db
        .call(move |conn| sessions::expire_access_tokens(conn, filter.user_id.as_deref(), now))
        .await?;
    tracing::info!(expired, "dev: access tokens expired");
    Ok(StatusCode::NO_CONTENT)
}
