//! `GET /api/v1/forms/{schema_id}`: the application form a guide's
//! `form_schema_id` names. Public, like the catalog, so a guest can read a
//! form offline before signing in.

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::etag::json_with_etag;
use crate::forms;
use crate::problem::{Problem, ProblemKind};

/// The form schema, with an ETag over its bytes (`If-None-Match` → 304).
pub(crate) async fn get(
    Path(schema_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let schema = forms::schema(&schema_id).ok_or_else(|| {
        Problem::new(
            ProblemKind::NotFound,
            "No form schema has this id; use a guide's form_schema_id, e.g. GA001.v1.",
        )
    })?;
    Ok(json_with_etag(&headers, &schema))
}
