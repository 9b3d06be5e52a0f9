//! `POST /api/v1/devices`: a device registers its public key and gets the
//! issuer's certificate binding it to the signed-in user.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use banshitong_trust::{DeviceCertificate, Suite, VerifyingKey, issue_device_certificate};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::auth::bearer::SignedIn;
use crate::clock::{ms, rfc3339_utc};
use crate::devices::store::{self, NewDevice};
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct Registration {
    /// base64url of the raw public key (32 bytes for Ed25519, a SEC1 point
    /// for SM2).
    public_key: String,
    /// `ed25519` or `sm2-sm3`.
    suite: String,
}

#[derive(Serialize)]
pub(crate) struct Registered {
    device_id: String,
    /// The issuer-signed COSE_Sign1, base64url.
    certificate: String,
    /// RFC 3339 UTC, to the second (the certificate holds seconds).
    expires_at: String,
}

pub(crate) async fn register(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiJson(registration): ApiJson<Registration>,
) -> Result<Response, Problem> {
    let suite: Suite = registration
        .suite
        .parse()
        .map_err(|_| Problem::invalid_field("suite", "The suite is `ed25519` or `sm2-sm3`."))?;
    let public_key = URL_SAFE_NO_PAD
        .decode(registration.public_key.trim_end_matches('='))
        .ok()
        .and_then(|bytes| VerifyingKey::from_bytes(suite, &bytes).ok())
        .ok_or_else(|| {
            Problem::invalid_field("public_key", format!("Not a base64url {suite} public key."))
        })?;

    let now = state.clock.now_ms();
    let expires_at = now.saturating_add(ms(state.issuer.device_certificate_ttl));
    let device_id = store::new_id();
    let certificate = issue_device_certificate(
        state.issuer.keys.signing_key(),
        &DeviceCertificate {
            device_id: device_id.clone(),
            subject: bearer.user_id.clone(),
            device_key: public_key.clone(),
            issued_at_s: u64::try_from(now / 1000).unwrap_or(0),
            expires_at_s: u64::try_from(expires_at / 1000).unwrap_or(0),
        },
    );
    let encoded = URL_SAFE_NO_PAD.encode(&certificate);
    let stored_id = device_id.clone();
    state
        .db
        .call(move |conn| {
            store::insert(
                conn,
                &NewDevice {
                    id: &stored_id,
                    user_id: &bearer.user_id,
                    suite: suite.as_str(),
                    public_key: &public_key.to_bytes(),
                    certificate: &certificate,
                    created_at_ms: now,
                    expires_at_ms: expires_at,
                },
            )
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(Registered {
            device_id,
            certificate: encoded,
            expires_at: rfc3339_utc(expires_at),
        }),
    )
        .into_response())
}
