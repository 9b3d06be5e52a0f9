//! Handlers of the `/dev/*` routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::faults::FaultSpec;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::Problem;
use crate::state::AppState;

/// `POST /dev/faults`: queue a fault; echoes it with defaults filled in.
pub(crate) async fn add_fault(
    State(state): State<AppState>,
    ApiJson(spec): ApiJson<FaultSpec>,
) -> Result<(StatusCode, Json<FaultSpec>), Problem> {
    let echoed = state.dev.faults.add(spec).map_err(Problem::bad_request)?;
    Ok((StatusCode::CREATED, Json(echoed)))
}

/// `DELETE /dev/faults`: drop every pending fault.
pub(crate) async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.dev.faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
pub(crate) struct CountFilter {
    path_prefix: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Count {
    count: u64,
}

/// `GET /dev/requests[?path_prefix=/x]`: requests received under the prefix
/// (all requests without one), this one included if it matches.
pub(crate) async fn count_requests(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<CountFilter>,
) -> Result<Json<Count>, Problem> {
    let prefix = filter.path_prefix.unwrap_or_else(|| "/".to_owned());
    if !prefix.starts_with('/') {
        return Err(Problem::bad_request("path_prefix must start with '/'."));
    }
    Ok(Json(Count {
        count: state.dev.requests.count(&prefix),
    }))
}
