use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct Health {
    status: &'static str,
    version: &'static str,
}

/// `GET /api/v1/health`: ok once the database answers, so a client or a
/// launcher waiting for readiness gets a truthful signal.
pub(crate) async fn get(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    let ping = state
        .db
        .call(|conn| conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0)))
        .await;
    if let Err(error) = ping {
        tracing::error!(%error, "health check: database unavailable");
        return Err(Problem::new(
            ProblemKind::ServiceUnavailable,
            "The platform database is unavailable.",
        ));
    }
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    }))
}
