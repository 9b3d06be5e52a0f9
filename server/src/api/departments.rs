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
    /// Only the departments seated in this region (not its descendants).
    region: Option<String>,
}

#[derive(Serialize)]
struct Department {
    code: String,
    name: String,
    region_code: String,
    level: String,
    kind: String,
}

#[derive(Serialize)]
struct DepartmentList {
    departments: Vec<Department>,
}

/// `GET /api/v1/departments[?region=CODE]`, ordered by code (so by region,
/// the province first).
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<Filter>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(region) = &filter.region
        && !is_region_code(region)
    {
        return Err(Problem::bad_request(
            "region must be a six-digit region code, e.g. 530100.",
        ));
    }
    let departments = state
        .db
        .call(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT code, name, region_code, level, kind FROM departments \
                 WHERE ?1 IS NULL OR region_code = ?1 ORDER BY code",
            )?;
            let rows = statement.query_map(params![filter.region], |row| {
                Ok(Department {
                    code: row.get(0)?,
                    name: row.get(1)?,
                    region_code: row.get(2)?,
                    level: row.get(3)?,
                    kind: row.get(4)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await?;
    Ok(json_with_etag(&headers, &DepartmentList { departments }))
}
