//! `POST /dev/applications/seed`: many applications for one user at once,
//! each walked through the workflow to a chosen number of timeline
//! entries, for the sync benchmarks.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::api::application_actions::step_problem;
use crate::applications::seed::{self, MAX_COUNT, MAX_ENTRIES};
use crate::applications::steps::{self, StepError};
use crate::catalog::model::Guide;
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedSpec {
    user_id: String,
    count: usize,
    #[serde(default = "ten")]
    entries: usize,
    guide_code: Option<String>,
}

fn ten() -> usize {
    10
}

#[derive(Serialize)]
pub(crate) struct Seeded {
    created: usize,
    change_seq: i64,
}

/// The guide to seed with: the one named, or the first of the catalog
/// whose item has a form and no fee (a fee would add a payment step).
fn pick_guide(conn: &rusqlite::Connection, code: Option<&str>) -> rusqlite::Result<Option<Guide>> {
    if let Some(code) = code {
        return steps::guide(conn, code);
    }
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM catalog_guides ORDER BY code")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(bodies
        .iter()
        .filter_map(|body| serde_json::from_str::<Guide>(body).ok())
        .find(|guide| {
            guide.fees.is_empty() && crate::forms::schema(&guide.form_schema_id).is_some()
        }))
}

pub(crate) async fn seed(
    State(state): State<AppState>,
    ApiJson(spec): ApiJson<SeedSpec>,
) -> Result<Json<Seeded>, Problem> {
    if !(1..=MAX_COUNT).contains(&spec.count) {
        return Err(Problem::invalid_field(
            "count",
            format!("count must be 1 to {MAX_COUNT}."),
        ));
    }
    if !(1..=MAX_ENTRIES).contains(&spec.entries) {
        return Err(Problem::invalid_field(
            "entries",
            format!("entries must be 1 to {MAX_ENTRIES}."),
        ));
    }
    let (now, keys) = (state.clock.now_ms(), state.issuer.keys.clone());
    let (user_id, count, entries) = (spec.user_id.clone(), spec.count, spec.entries);
    let outcome = state
        .db
        .call(move |conn| {
            let known: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)")?
                .query_row([&user_id], |row| row.get(0))?;
            if !known {
                return Ok(Err(Problem::invalid_field(
                    "user_id",
                    "No user has this id.",
                )));
            }
            let Some(guide) = pick_guide(conn, spec.guide_code.as_deref())? else {
                return Ok(Err(Problem::invalid_field(
                    "guide_code",
                    "No service guide has this code.",
                )));
            };
            if !guide.fees.is_empty() {
                return Ok(Err(Problem::invalid_field(
                    "guide_code",
                    "Seed with a guide without fees (a fee adds a payment step).",
                )));
            }
            match seed::seed(conn, &user_id, &guide, count, entries, &keys, now) {
                Ok(last) => Ok(Ok(last)),
                Err(StepError::Db(error)) => Err(error),
                Err(refused) => Ok(Err(step_problem(refused))),
            }
        })
        .await??;
    state.live.announce(&spec.user_id, outcome);
    tracing::info!(count, entries, "dev: applications seeded");
    Ok(Json(Seeded {
        created: count,
        change_seq: outcome,
    }))
}
