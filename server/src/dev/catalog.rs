//! `/dev/catalog/*`: change the catalog so clients can test deltas,
//! tombstones and expired cursors.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::catalog::store;
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::state::AppState;

/// The most a single mutate request may touch.
const MAX_MUTATIONS: usize = 100_000;

#[derive(Deserialize)]
pub(crate) struct MutateSpec {
    #[serde(default)]
    upserts: usize,
    #[serde(default)]
    deletions: usize,
}

#[derive(Serialize)]
pub(crate) struct Mutated {
    upserted: Vec<String>,
    deleted: Vec<String>,
}

/// `POST /dev/catalog/mutate {"upserts":N,"deletions":M}`: bumps the
/// revision of N random guides and deletes M others, logging each change.
pub(crate) async fn mutate(
    State(state): State<AppState>,
    ApiJson(spec): ApiJson<MutateSpec>,
) -> Result<Json<Mutated>, Problem> {
    if spec.upserts.saturating_add(spec.deletions) > MAX_MUTATIONS {
        return Err(Problem::bad_request(format!(
            "upserts + deletions must be at most {MAX_MUTATIONS}."
        )));
    }
    let result = state
        .db
        .call(move |conn| {
            store::mutate(conn, spec.upserts, spec.deletions)
                .map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))
        })
        .await?;
    let (upserted, deleted) = result;
    Ok(Json(Mutated { upserted, deleted }))
}

#[derive(Serialize)]
pub(crate) struct Compacted {
    watermark_cursor: String,
}

/// `POST /dev/catalog/compact`: moves the watermark to the latest change, so
/// every older cursor answers 410 `cursor-expired`.
pub(crate) async fn compact(State(state): State<AppState>) -> Result<Json<Compacted>, Problem> {
    let watermark = state.db.call(store::compact).await?;
    Ok(Json(Compacted {
        watermark_cursor: format!("c{watermark}"),
    }))
}
