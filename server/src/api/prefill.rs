//! `GET /api/v1/me/prefill`: what the platform already knows about the
//! signed-in applicant, unmasked, for filling application forms — the
//! platform rule is never to ask again for what it already holds.
//!
//! `GET /api/v1/me` masks personal fields for display; a form needs the
//! real values. This answer carries only the fields forms prefill, the real
//! name and ID number only once the account passed real-name verification
//! (before that the platform does not know them), and is never cached.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::accounts::{self, Tier};
use crate::auth::bearer::SignedIn;
use crate::auth::sessions;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

#[derive(Serialize)]
struct Prefill {
    name: Option<String>,
    id_number: Option<String>,
    mobile: String,
    /// The company this sign-in acts for, if any.
    company_name: Option<String>,
    company_credit_code: Option<String>,
}

pub(crate) async fn get(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
) -> Result<Response, Problem> {
    let prefill = state
        .db
        .call(move |conn| {
            let Some(account) = accounts::by_id(conn, &bearer.user_id)? else {
                return Ok(None);
            };
            let acting = sessions::acting_as(conn, &bearer.session_id)?;
            let company = match acting {
                Some(uscc) => accounts::companies(conn, &account.id)?
                    .into_iter()
                    .find(|c| c.uscc == uscc),
                None => None,
            };
            let verified = account.tier == Tier::Verified;
            Ok(Some(Prefill {
                name: account.real_name.filter(|_| verified),
                id_number: account.id_number.filter(|_| verified),
                mobile: account.phone,
                company_name: company.as_ref().map(|c| c.name.clone()),
                company_credit_code: company.map(|c| c.uscc),
            }))
        })
        .await?
        .ok_or_else(|| Problem::new(ProblemKind::Unauthorized, "The account no longer exists."))?;
    let mut response = Json(prefill).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
