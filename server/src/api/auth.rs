//! `/api/v1/auth/*` besides the token endpoint: sending SMS codes and
//! signing out.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};

use crate::auth::bearer::SignedIn;
use crate::auth::sessions;
use crate::auth::sms::{self, Sent};
use crate::extract::ApiJson;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;
use banshitong_forms::ids::is_mobile_number;

#[derive(Deserialize)]
pub(crate) struct SmsCodeRequest {
    #[serde(default)]
    phone: String,
}

#[derive(Serialize)]
pub(crate) struct SmsCodeSent {
    expires_in: u64,
    resend_after: u64,
}

/// `POST /api/v1/auth/sms-code`: text a fresh six-digit code to the number.
/// The answer is the same whether or not the number has an account.
pub(crate) async fn send_sms_code(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SmsCodeRequest>,
) -> Result<(StatusCode, Json<SmsCodeSent>), Problem> {
    if !is_mobile_number(&request.phone) {
        return Err(Problem::invalid_field(
            "phone",
            "phone must be an 11-digit mainland mobile number, e.g. 13800000000.",
        ));
    }
    let now = state.clock.now_ms();
    let phone = request.phone.clone();
    let sent = state
        .db
        .call(move |conn| sms::send(conn, &phone, now))
        .await?;
    match sent {
        Sent::TooSoon { retry_after_secs } => Err(Problem::new(
            ProblemKind::TooManyRequests,
            "A code was sent to this number less than a minute ago; wait for Retry-After seconds.",
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))),
        Sent::Code(code) => {
            // There is no SMS gateway: in dev mode the message lands in the
            // outbox that `GET /dev/sms-outbox` shows; otherwise nowhere.
            if state.dev_enabled {
                state.dev.sms_outbox.push(&request.phone, &code, now);
            }
            Ok((
                StatusCode::ACCEPTED,
                Json(SmsCodeSent {
                    expires_in: sms::CODE_TTL.as_secs(),
                    resend_after: sms::RESEND_INTERVAL.as_secs(),
                }),
            ))
        }
    }
}

/// `POST /api/v1/auth/logout`: ends the caller's sign-in, so its refresh
/// tokens and every access token issued with them stop working.
pub(crate) async fn logout(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
) -> Result<StatusCode, Problem> {
    let now = state.clock.now_ms();
    let session_id = bearer.session_id.clone();
    state
        .db
        .call(move |conn| sessions::revoke(conn, &session_id, now))
        .await?;
    tracing::info!(user_id = %bearer.user_id, "signed out");
    Ok(StatusCode::NO_CONTENT)
}
