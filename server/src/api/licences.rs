//! `GET /api/v1/me/licences`: the electronic licences issued to the user,
//! signed; `POST /api/v1/licences/{id}/presentations`: a short online
//! token showing some of one licence's claims.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use banshitong_trust::encode_online_token;
use serde::{Deserialize, Serialize};

use crate::auth::bearer::SignedIn;
use crate::clock::ms;
use crate::extract::ApiJson;
use crate::licences::issue::ensure_issued;
use crate::licences::presentations;
use crate::licences::sign::ensure_signed;
use crate::licences::store::{self, Licence};
use crate::problem::{Problem, ProblemKind};
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
    let keys = state.issuer.keys.clone();
    let licences = state
        .db
        .call(move |conn| {
            // Issued and signed together: a failed signature leaves no
            // unsigned licence half-listed.
            let tx = conn.transaction()?;
            ensure_issued(&tx, &bearer.user_id, now)?;
            ensure_signed(&tx, &keys, &bearer.user_id)?;
            tx.commit()?;
            store::list(conn, &bearer.user_id, now)
        })
        .await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(LicenceList { licences }),
    )
        .into_response())
}

#[derive(Deserialize)]
pub(crate) struct PresentationRequest {
    /// The claim names to show, as the licence lists them (`name`,
    /// `name_masked`, ...).
    disclose: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct PresentationToken {
    token: String,
    qr_text: String,
    expires_at_ms: i64,
}

/// `POST /api/v1/licences/{id}/presentations`: 201 with a token the
/// verifier checks at `POST /api/v1/verify` until it expires. Another
/// user's licence is 404 like an unknown one.
pub(crate) async fn present(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<PresentationRequest>,
) -> Result<Response, Problem> {
    if request.disclose.is_empty() {
        return Err(Problem::invalid_field(
            "disclose",
            "Name at least one claim to show.",
        ));
    }
    let now = state.clock.now_ms();
    let expires_at_ms = now.saturating_add(ms(state.issuer.presentation_token_ttl));
    let outcome = state
        .db
        .call(move |conn| {
            let Some(licence) =
                store::find(conn, &id, now)?.filter(|licence| licence.user_id == bearer.user_id)
            else {
                return Ok(Err(Problem::new(
                    ProblemKind::NotFound,
                    format!("You hold no licence {id}."),
                )));
            };
            if let Some(unknown) = request
                .disclose
                .iter()
                .find(|name| !licence.claims.iter().any(|claim| &claim.name == *name))
            {
                return Ok(Err(Problem::invalid_field(
                    "disclose",
                    format!("The licence has no claim {unknown:?}."),
                )));
            }
            let token = presentations::create(
                conn,
                &bearer.user_id,
                &licence.id,
                &request.disclose,
                now,
                expires_at_ms,
            )?;
            Ok(Ok(token))
        })
        .await?;
    let token = outcome?;
    // Tokens are upper-case alphanumeric by construction.
    let qr_text = encode_online_token(&token).map_err(|error| {
        tracing::error!(%error, "a presentation token the QR text refused");
        Problem::internal()
    })?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(PresentationToken {
            token,
            qr_text,
            expires_at_ms,
        }),
    )
        .into_response())
}
