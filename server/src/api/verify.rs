//! `POST /api/v1/verify`: a verifier (no sign-in) sends the text of a
//! licence QR code and gets a verdict. An online token (`BST0:`) is looked
//! up here; an offline presentation (`BST1:`) goes through the same pure
//! verifier the app runs, with this server's keys and current status
//! lists.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use banshitong_trust::{
    Claim, Licence as SignedLicence, LicenceSummary, Outcome, QrText, Verdict, VerifyOptions,
    decode_qr_text, verify,
};
use serde::{Deserialize, Serialize};

use crate::extract::ApiJson;
use crate::licences::issue::china_day;
use crate::licences::presentations;
use crate::licences::store;
use crate::problem::Problem;
use crate::state::AppState;
use crate::trust::offline;

#[derive(Deserialize)]
pub(crate) struct VerifyRequest {
    qr_text: String,
}

/// Why an online token is refused. The names follow the offline
/// verifier's reasons where they mean the same.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
enum OnlineReasonKind {
    /// No such token was ever issued (or it expired long ago).
    UnknownToken,
    PresentationExpired,
    Revoked,
    LicenceNotYetValid,
    LicenceExpired,
}

#[derive(Serialize)]
struct OnlineReason {
    kind: OnlineReasonKind,
    text: String,
}

/// The verdict on an online token, in the shape of the offline verdict.
#[derive(Serialize)]
struct OnlineVerdict {
    outcome: Outcome,
    reasons: Vec<OnlineReason>,
    disclosed: Vec<Claim>,
    licence: Option<LicenceSummary>,
    presented_at_ms: Option<i64>,
    expires_at_ms: Option<i64>,
}

impl OnlineVerdict {
    fn refused(kind: OnlineReasonKind, text: impl Into<String>) -> OnlineVerdict {
        OnlineVerdict {
            outcome: Outcome::Invalid,
            reasons: vec![OnlineReason {
                kind,
                text: text.into(),
            }],
            disclosed: Vec::new(),
            licence: None,
            presented_at_ms: None,
            expires_at_ms: None,
        }
    }
}

pub(crate) async fn check(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Response, Problem> {
    let body = match decode_qr_text(&request.qr_text) {
        Ok(QrText::Online(token)) => serde_json::to_value(check_online(&state, token).await?),
        // Garbage gets the offline verifier's typed "malformed" verdict.
        Ok(QrText::Offline(_)) | Err(_) => {
            serde_json::to_value(check_offline(&state, request.qr_text).await?)
        }
    }
    .map_err(|error| {
        tracing::error!(%error, "a verdict that doesn't serialise");
        Problem::internal()
    })?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(body),
    )
        .into_response())
}

async fn check_online(state: &AppState, token: String) -> Result<OnlineVerdict, Problem> {
    if !presentations::is_token(&token) {
        return Ok(OnlineVerdict::refused(
            OnlineReasonKind::UnknownToken,
            "no presentation has this token",
        ));
    }
    let now = state.clock.now_ms();
    let found = state
        .db
        .call(move |conn| {
            let Some(presentation) = presentations::find(conn, &token)? else {
                return Ok(None);
            };
            let licence = store::find(conn, &presentation.licence_id, now)?;
            Ok(licence.map(|licence| (presentation, licence)))
        })
        .await?;
    let Some((presentation, licence)) = found else {
        return Ok(OnlineVerdict::refused(
            OnlineReasonKind::UnknownToken,
            "no presentation has this token",
        ));
    };
    if now >= presentation.expires_at_ms {
        let mut verdict = OnlineVerdict::refused(
            OnlineReasonKind::PresentationExpired,
            "the presentation token has expired; ask the holder for a new code",
        );
        verdict.expires_at_ms = Some(presentation.expires_at_ms);
        return Ok(verdict);
    }

    let parsed = SignedLicence::parse_unverified(&licence.signed).map_err(|error| {
        tracing::error!(%error, licence = %licence.id, "a stored licence that doesn't parse");
        Problem::internal()
    })?;
    let mut reasons = Vec::new();
    if licence.is_revoked() {
        reasons.push(OnlineReason {
            kind: OnlineReasonKind::Revoked,
            text: "the issuer revoked this licence".to_owned(),
        });
    }
    let now_u64 = u64::try_from(now).unwrap_or(0);
    if !parsed.is_within_validity(now_u64) {
        let today = china_day(now);
        let not_yet = parsed
            .metadata
            .valid_from
            .as_deref()
            .is_some_and(|from| from > today.as_str());
        reasons.push(OnlineReason {
            kind: if not_yet {
                OnlineReasonKind::LicenceNotYetValid
            } else {
                OnlineReasonKind::LicenceExpired
            },
            text: "the licence is outside its validity dates".to_owned(),
        });
    }
    let disclosed = presentation
        .disclose
        .iter()
        .filter_map(|name| licence.claims.iter().find(|claim| &claim.name == name))
        .map(|claim| Claim::new(claim.name.clone(), claim.value.clone()))
        .collect();
    Ok(OnlineVerdict {
        outcome: if reasons.is_empty() {
            Outcome::Valid
        } else {
            Outcome::Invalid
        },
        reasons,
        disclosed,
        licence: Some(LicenceSummary {
            licence_id: parsed.metadata.licence_id,
            licence_type: parsed.metadata.licence_type,
            issuer_name: parsed.metadata.issuer_name,
            issuer_kid: parsed.issuer_kid.to_hex(),
            suite: parsed.suite.as_str().to_owned(),
            valid_from: parsed.metadata.valid_from,
            valid_until: parsed.metadata.valid_until,
        }),
        presented_at_ms: Some(presentation.created_at_ms),
        expires_at_ms: Some(presentation.expires_at_ms),
    })
}

async fn check_offline(state: &AppState, qr_text: String) -> Result<Verdict, Problem> {
    let now = state.clock.now_ms();
    let keys = state.issuer.keys.clone();
    let ttl_s = state.issuer.status_list_ttl.as_secs();
    let lists = state
        .db
        .call(move |conn| offline::current_lists(conn, &keys, ttl_s, now))
        .await?;
    let issuers = state.issuer.keys.trusted();
    let verdict = verify(
        &qr_text,
        &issuers,
        &lists,
        state.issuer.replay.as_ref(),
        u64::try_from(now).unwrap_or(0),
        &VerifyOptions::default(),
    );
    Ok(verdict)
}
