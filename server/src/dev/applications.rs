//! `GET /dev/applications[?user=u_…]`: the applications stored, so a test
//! can assert that a burst of retries made exactly one.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::applications::store::{self, Listed};
use crate::extract::ApiQuery;
use crate::problem::Problem;
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
