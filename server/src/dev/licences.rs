//! `POST /dev/licences/{id}/revoke`: the issuer revokes a licence, as a
//! department would; its bit in the status list flips and the list is
//! signed again at once.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::trust::status_lists;

#[derive(Serialize)]
pub(crate) struct Revoked {
    id: String,
    status_list_id: String,
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Revoked>, Problem> {
    let now = state.clock.now_ms();
    let keys = state.issuer.keys.clone();
    let ttl_s = state.issuer.status_list_ttl.as_secs();
    let licence_id = id.clone();
    let list_id = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let list_id = crate::licences::store::revoke(&tx, &licence_id, now)?;
            if let Some(list_id) = &list_id {
                status_lists::current(&tx, &keys, list_id, ttl_s, now)?;
            }
            tx.commit()?;
            Ok(list_id)
        })
        .await?
        .ok_or_else(|| {
            Problem::new(
                ProblemKind::NotFound,
                format!("No signed licence {id}; list the holder's licences first."),
            )
        })?;
    Ok(Json(Revoked {
        id,
        status_list_id: list_id,
    }))
}
