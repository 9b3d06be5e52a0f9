//! `/dev/uploads`: what the tus endpoint received (tests bound re-sent
//! bytes with it), and expiring every unfinished upload at once.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::state::AppState;
use crate::uploads::store::{self, DevUpload};

#[derive(Deserialize)]
pub(crate) struct Filter {
    user: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Uploads {
    uploads: Vec<DevUpload>,
}

/// `GET /dev/uploads[?user=u_…]`: every upload, oldest first.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<Filter>,
) -> Result<Json<Uploads>, Problem> {
    let user = filter.user.filter(|user| !user.is_empty());
    let uploads = state
        .db
        .call(move |conn| store::dev_list(conn, user.as_deref()))
        .await?;
    Ok(Json(Uploads { uploads }))
}

#[derive(Serialize)]
pub(crate) struct Expired {
    expired: usize,
}

/// `POST /dev/uploads/expire`: every unfinished upload expires now and its
/// bytes are deleted, as the periodic sweep would do once their time is up.
pub(crate) async fn expire(State(state): State<AppState>) -> Result<Json<Expired>, Problem> {
    let expired = state
        .uploads
        .sweep(&state.db, &state.clock)
        .expire_all()
        .await?;
    Ok(Json(Expired { expired }))
}
