//! `/dev/applications*`: the applications stored (so a test can assert
//! that a burst of retries made exactly one), and the platform's side of
//! the workflow for tests and the demo: advancing an application a step,
//! compacting the change feed, archiving an application, and the push
//! messages that would have gone out.

use axum::Json;
use axum::extract::{Path, State};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};

use crate::api::application_actions::step_problem;
use crate::applications::feed;
use crate::applications::push::{self, Sent};
use crate::applications::steps::{self, Details, RequestedMaterial};
use crate::applications::store::{self, Listed};
use crate::applications::view::{self, Application};
use crate::applications::workflow::{self, Action, Status};
use crate::extract::ApiQuery;
use crate::feed_cursor::Cursor;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct Filter {
    user: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Applications {
    count: usize,
    applications: Vec<Listed>,
}

/// `GET /dev/applications[?user=u_…]`.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<Filter>,
) -> Result<Json<Applications>, Problem> {
    let user = filter.user.filter(|user| !user.is_empty());
    let applications = state
        .db
        .call(move |conn| store::list(conn, user.as_deref()))
        .await?;
    Ok(Json(Applications {
        count: applications.len(),
        applications,
    }))
}

/// The body of an advance; every member optional.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Advance {
    action: Option<String>,
    comment: Option<String>,
    department: Option<String>,
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    materials: Vec<RequestedMaterial>,
    tracking_no: Option<String>,
    carrier: Option<String>,
    licence_type: Option<String>,
}

fn no_application() -> Problem {
    Problem::new(ProblemKind::NotFound, "No application has this number.")
}

/// `POST /dev/applications/{no}/advance`: the office (or the payment
/// platform) takes `action`, or the next step of the happy path when none
/// is given. Answers the application after the step.
pub(crate) async fn advance(
    State(state): State<AppState>,
    Path(number): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Application>, Problem> {
    let advance: Advance = if body.iter().all(u8::is_ascii_whitespace) {
        Advance::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            Problem::new(
                ProblemKind::UnprocessableContent,
                format!("The body is not an advance: {error}."),
            )
        })?
    };
    let action = advance
        .action
        .as_deref()
        .map(|name| {
            Action::parse_platform(name).ok_or_else(|| {
                Problem::invalid_field(
                    "action",
                    format!(
                        "Unknown action {name:?}; one of accept, not_accept, request_supplement, \
                         start_review, approve, refuse, pay_fee, complete, deliver_courier, \
                         deliver_licence."
                    ),
                )
            })
        })
        .transpose()?;
    let details = Details {
        comment: advance.comment,
        department: advance.department,
        reasons: advance.reasons,
        materials: advance.materials,
        tracking_no: advance.tracking_no,
        carrier: advance.carrier,
        licence_type: advance.licence_type,
        ..Details::default()
    };
    let (now, keys) = (state.clock.now_ms(), state.issuer.keys.clone());
    let outcome = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(record) = view::load_any(&tx, &number)? else {
                return Ok(None);
            };
            let action = match action {
                Some(action) => action,
                None => match steps::happy_path_step(&tx, &record)? {
                    Some(action) => action,
                    None => {
                        return Ok(Some(Err(no_next_step(&record))));
                    }
                },
            };
            let (after, application) =
                match steps::take_alone(&tx, &record, action, &details, &keys, now)? {
                    Ok(done) => done,
                    Err(refused) => return Ok(Some(Err(step_problem(refused)))),
                };
            tx.commit()?;
            Ok(Some(Ok((after.user_id, application))))
        })
        .await?
        .ok_or_else(no_application)??;
    let (user_id, application) = outcome;
    tracing::info!(status = application.status, "dev: application advanced");
    state.live.announce(&user_id, application.change_seq);
    Ok(Json(application))
}

/// Why the happy path has no next step from here: the applicant must
/// answer a supplement, or the application is final. 409
/// `illegal-transition` with `action: "next"`.
fn no_next_step(record: &view::Record) -> Problem {
    let status = record.status;
    let allowed: Vec<&str> = workflow::allowed(status, record.facts())
        .iter()
        .map(|action| action.as_str())
        .collect();
    let detail = if status == Status::SupplementRequired {
        "The application waits for the applicant's supplement answer; the happy path has no \
         next step until then (give an action to take another one)."
            .to_owned()
    } else {
        format!(
            "An application that is {} has no next step on the happy path.",
            status.as_str()
        )
    };
    Problem::new(ProblemKind::IllegalTransition, detail)
        .with_extension("current_status", status.as_str())
        .with_extension("action", "next")
        .with_extension("allowed", allowed)
}

#[derive(Serialize)]
pub(crate) struct Compacted {
    horizon_cursor: String,
}

/// `POST /dev/applications/compact`: drops every tombstone and moves the
/// horizon to the newest change, so every older cursor answers 410 and an
/// older Last-Event-ID gets `reset`.
pub(crate) async fn compact(State(state): State<AppState>) -> Result<Json<Compacted>, Problem> {
    let now = state.clock.now_ms();
    let horizon = state.db.call(move |conn| feed::compact(conn, now)).await?;
    Ok(Json(Compacted {
        horizon_cursor: Cursor::Since(horizon).format(),
    }))
}

#[derive(Serialize)]
pub(crate) struct Archived {
    application_no: String,
    change_seq: i64,
}

/// `POST /dev/applications/{no}/archive`: takes the application out of its
/// owner's list, as a retention purge would; a tombstone tells clients.
pub(crate) async fn archive(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<Archived>, Problem> {
    let now = state.clock.now_ms();
    let archived_no = number.clone();
    let (user_id, change_seq) = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some((user_id, seq)) = feed::archive(&tx, &archived_no, now)? else {
                return Ok(None);
            };
            push::append(
                &tx,
                &user_id,
                &push::message(&user_id, &archived_no, "archived", seq),
                now,
            )?;
            tx.commit()?;
            Ok(Some((user_id, seq)))
        })
        .await?
        .ok_or_else(no_application)?;
    state.live.announce(&user_id, change_seq);
    Ok(Json(Archived {
        application_no: number,
        change_seq,
    }))
}

#[derive(Deserialize)]
pub(crate) struct OutboxFilter {
    user_id: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Outbox {
    messages: Vec<Sent>,
}

/// `GET /dev/push-outbox?user_id=`: the push data messages the user's
/// devices would have received, newest last.
pub(crate) async fn push_outbox(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<OutboxFilter>,
) -> Result<Json<Outbox>, Problem> {
    let Some(user_id) = filter.user_id.filter(|user| !user.is_empty()) else {
        return Err(Problem::bad_request("user_id is required."));
    };
    let messages = state
        .db
        .call(move |conn| push::list(conn, &user_id))
        .await?;
    Ok(Json(Outbox { messages }))
}
