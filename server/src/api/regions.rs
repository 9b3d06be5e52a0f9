use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::etag::json_with_etag;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::seed::regions::is_region_code;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct Filter {
    /// Only the direct children of this region.
    parent: Option<String>,
}

#[derive(Serialize)]
struct Region {
    code: String,
    name: String,
    parent_code: Option<String>,
    level: String,
}

#[derive(Serialize)]
struct RegionList {
    regions: Vec<Region>,
}

/// `GET /api/v1/regions[?parent=CODE]`, ordered by code. Clients cache the
/// list, hence the ETag.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<Filter>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(parent) = &filter.parent
        && !is_region_code(parent)
    {
        return Err(Problem::bad_request(
            "parent must be a six-digit region code, e.g. 530100.",
        ));
    }
    let regions = state
        .db
        .call(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT code, name, parent_code, level FROM regions \
                 WHERE ?1 IS NULL OR parent_code = ?1 ORDER BY code",
            )?;
            let rows = statement.query_map(params![filter.parent], |row| {
                Ok(Region {
                    code: row.get(0)?,
                    name: row.get(1)?,
                    parent_code: row.get(2)?,
                    level: row.get(3)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await?;
    Ok(json_with_etag(&headers, &RegionList { regions }))
}
