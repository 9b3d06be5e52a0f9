//! What the applicant does to an application after submitting it:
//! `POST /api/v1/applications/{no}/withdraw` and
//! `POST /api/v1/applications/{no}/supplement` (answering the open
//! supplement request, idempotently like a submission).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use banshitong_forms::SlotFill;
use rusqlite::TransactionBehavior;
use serde::Deserialize;

use super::applications::{IdempotencyKey, answer, key_reused, not_found, validation_failed};
use crate::applications::idempotency::{self, Stored};
use crate::applications::steps::{self, Answer, Details, StepError};
use crate::applications::view::{self, Application};
use crate::applications::workflow::{Action, IllegalTransition, Status};
use crate::applications::{material_refs, number};
use crate::auth::bearer::SignedIn;
use crate::extract::ApiJson;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// 409 `illegal-transition`, naming the status, the action and what is
/// allowed instead.
pub(crate) fn illegal(refusal: &IllegalTransition) -> Problem {
    Problem::new(ProblemKind::IllegalTransition, refusal.to_string())
        .with_extension("current_status", refusal.status.as_str())
        .with_extension("action", refusal.action.as_str())
        .with_extension(
            "allowed",
            refusal
                .allowed
                .iter()
                .map(|action| action.as_str())
                .collect::<Vec<_>>(),
        )
}

/// The problem a refused step answers with.
pub(crate) fn step_problem(error: StepError) -> Problem {
    match error {
        StepError::Illegal(refusal) => illegal(&refusal),
        StepError::Refused(detail) => Problem::new(ProblemKind::Conflict, detail),
        StepError::Db(error) => Problem::from(crate::db::DbError::from(error)),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Withdrawal {
    #[serde(default)]
    reason: Option<String>,
}

/// What a withdrawal ends in.
enum Withdrawn {
    Now(Application),
    /// Withdrawn before: a retry, answered with the application unchanged.
    Already(Application),
}

/// `POST /api/v1/applications/{no}/withdraw`: allowed while submitted,
/// accepted or waiting for a supplement; a withdrawn application answers
/// 200 unchanged, so a retry is harmless; anything else is 409.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    if !number::is_well_formed(&number) {
        return Err(not_found());
    }
    // The body is optional: none, or {"reason": "…"}.
    let reason = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<Withdrawal>(&body)
            .map_err(|error| {
                Problem::new(
                    ProblemKind::UnprocessableContent,
                    format!("The body must be empty or {{\"reason\": \"…\"}}: {error}."),
                )
            })?
            .reason
    };
    let (now, keys) = (state.clock.now_ms(), state.issuer.keys.clone());
    let user_id = bearer.user_id.clone();
    let outcome = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(record) = view::load(&tx, &user_id, &number)? else {
                return Ok(None);
            };
            if record.status == Status::Withdrawn {
                return Ok(Some(Ok(Withdrawn::Already(view::render(
                    &tx, &record, true,
                )?))));
            }
            let details = Details {
                reason,
                ..Details::default()
            };
            let (_, application) =
                match steps::take_alone(&tx, &record, Action::Withdraw, &details, &keys, now)? {
                    Ok(done) => done,
                    Err(refused) => return Ok(Some(Err(refused))),
                };
            tx.commit()?;
            Ok(Some(Ok(Withdrawn::Now(application))))
        })
        .await?
        .ok_or_else(not_found)?
        .map_err(step_problem)?;
    let application = match outcome {
        Withdrawn::Now(application) => {
            tracing::info!(user_id = %bearer.user_id, "application withdrawn");
            state.live.announce(&bearer.user_id, application.change_seq);
            application
        }
        Withdrawn::Already(application) => application,
    };
    Ok((StatusCode::OK, axum::Json(application)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupplementAnswer {
    request_seq: i64,
    #[serde(default)]
    materials: Vec<SlotFill>,
    #[serde(default)]
    comment: Option<String>,
}

/// What answering ends in.
enum Answered {
    Done(Stored, i64),
    Replayed(Stored),
    KeyReused,
    /// Requested keys without any material.
    Incomplete(Vec<String>),
    /// Materials the user doesn't hold.
    BadRefs(Vec<banshitong_forms::FieldError>),
    Refused(StepError),
}

/// `POST /api/v1/applications/{no}/supplement` with `Idempotency-Key`:
/// answers the open supplement request (`request_seq`) with a material for
/// every requested key; the application goes back under review. A retry
/// with the same key and body gets the same answer; the key with another
/// body is 422.
pub(crate) async fn supplement(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(number): Path<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, Problem> {
    if !number::is_well_formed(&number) {
        return Err(not_found());
    }
    // The route is part of what is fingerprinted, so a key reused across
    // kinds of request is never mistaken for a retry.
    let fingerprint = idempotency::fingerprint(
        &serde_json::json!({"supplement": number.clone(), "body": body.clone()}),
    );
    let parsed: SupplementAnswer = serde_json::from_value(body).map_err(|error| {
        Problem::new(
            ProblemKind::UnprocessableContent,
            format!("The body is not a supplement answer: {error}."),
        )
    })?;
    let (now, keys) = (state.clock.now_ms(), state.issuer.keys.clone());
    let user_id = bearer.user_id.clone();
    let outcome = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            idempotency::purge_expired(&tx, now)?;
            if let Some(stored) = idempotency::lookup(&tx, &user_id, &key, now)? {
                return Ok(Some(if stored.fingerprint == fingerprint {
                    Answered::Replayed(stored)
                } else {
                    Answered::KeyReused
                }));
            }
            let Some(record) = view::load(&tx, &user_id, &number)? else {
                return Ok(None);
            };
            let requested: Vec<(String, String)> = record
                .supplement
                .as_ref()
                .filter(|_| record.status == Status::SupplementRequired)
                .and_then(|supplement| supplement["materials"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .map(|material| {
                    (
                        material["key"].as_str().unwrap_or_default().to_owned(),
                        material["name"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            // The status and request are checked first: answering a
            // request that isn't open is the clearer refusal.
            let open_seq = record
                .supplement
                .as_ref()
                .and_then(|supplement| supplement["request_seq"].as_i64());
            if record.status == Status::SupplementRequired && open_seq == Some(parsed.request_seq) {
                let missing: Vec<String> = requested
                    .iter()
                    .filter(|(key, _)| {
                        !parsed
                            .materials
                            .iter()
                            .any(|fill| &fill.slot_key == key && !fill.material_refs.is_empty())
                    })
                    .map(|(key, _)| key.clone())
                    .collect();
                if !missing.is_empty() {
                    return Ok(Some(Answered::Incomplete(missing)));
                }
                let slots: Vec<(&str, &str)> = requested
                    .iter()
                    .map(|(key, name)| (key.as_str(), name.as_str()))
                    .collect();
                let errors =
                    material_refs::check_slots(&tx, &user_id, &slots, &parsed.materials, now)?;
                if !errors.is_empty() {
                    return Ok(Some(Answered::BadRefs(errors)));
                }
            }
            let details = Details {
                answer: Some(Answer {
                    request_seq: parsed.request_seq,
                    materials: parsed.materials,
                    comment: parsed.comment,
                }),
                ..Details::default()
            };
            let (after, application) = match steps::take_alone(
                &tx,
                &record,
                Action::AnswerSupplement,
                &details,
                &keys,
                now,
            )? {
                Ok(done) => done,
                Err(refused) => return Ok(Some(Answered::Refused(refused))),
            };
            let stored = Stored {
                fingerprint,
                status: 200,
                body: serde_json::to_string(&application)
                    .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?,
                application_no: number.clone(),
            };
            idempotency::store(&tx, &user_id, &key, &stored, now)?;
            tx.commit()?;
            Ok(Some(Answered::Done(stored, after.change_seq)))
        })
        .await?
        .ok_or_else(not_found)?;
    match outcome {
        Answered::Done(stored, change_seq) => {
            tracing::info!(user_id = %bearer.user_id, "supplement answered");
            state.live.announce(&bearer.user_id, change_seq);
            Ok(answer(stored, false))
        }
        Answered::Replayed(stored) => Ok(answer(stored, true)),
        Answered::KeyReused => Err(key_reused()),
        Answered::Incomplete(missing) => Err(Problem::new(
            ProblemKind::SupplementIncomplete,
            format!(
                "The request asks for {} material(s) that the answer leaves out; see missing.",
                missing.len()
            ),
        )
        .with_extension("missing", missing)),
        Answered::BadRefs(errors) => Err(validation_failed(&errors)),
        Answered::Refused(refused) => Err(step_problem(refused)),
    }
}
