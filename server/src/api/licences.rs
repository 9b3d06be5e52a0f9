//! `GET /api/v1/me/licences`: the electronic licences issued to the user.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::bearer::SignedIn;
use crate::licences::issue::ensure_issued;
use crate::licences::store::{self, Licence};
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct LicenceList {
    licences: Vec<Licence>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
) -> Result<Response, Problem> {
    let now = state.clock.now_ms();
    let licences = state
        .db
        .call(move |conn| {
            ensure_issued(conn, &bearer.user_id, now)?;
            store::list(conn, &bearer.user_id)
        })
        .await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(LicenceList { licences }),
    )
        .into_response())
}
