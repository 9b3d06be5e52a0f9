//! `/api/v1/me*`: the signed-in user's profile, real-name verification,
//! companies, whom the sign-in acts for, and the password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use banshitong_forms::ids::{check_bank_card, check_id_number, check_uscc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::auth::accounts::{self, Account, Company, Tier};
use crate::auth::bearer::SignedIn;
use crate::auth::sessions::{self, Bearer};
use crate::auth::{mask, password};
use crate::clock::china_date;
use crate::extract::ApiJson;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// What `GET /api/v1/me` answers. Personal fields are masked unless the
/// token carries `profile:full`.
#[derive(Serialize)]
pub(crate) struct Profile {
    user_id: String,
    tier: &'static str,
    phone: String,
    name: Option<String>,
    id_number: Option<String>,
    companies: Vec<Company>,
    acting_as: Option<Company>,
}

fn profile(conn: &Connection, bearer: &Bearer) -> rusqlite::Result<Option<Profile>> {
    let Some(account) = accounts::by_id(conn, &bearer.user_id)? else {
        return Ok(None);
    };
    let companies = accounts::companies(conn, &account.id)?;
    let acting_as = sessions::acting_as(conn, &bearer.session_id)?
        .and_then(|uscc| companies.iter().find(|c| c.uscc == uscc).cloned());
    let full = bearer.scope.full_profile;
    let shown = |value: Option<String>, masker: fn(&str) -> String| {
        value.map(|value| if full { value } else { masker(&value) })
    };
    Ok(Some(Profile {
        user_id: account.id,
        tier: account.tier.as_str(),
        phone: if full {
            account.phone
        } else {
            mask::phone(&account.phone)
        },
        name: shown(account.real_name, mask::name),
        id_number: shown(account.id_number, mask::id_number),
        companies,
        acting_as,
    }))
}

async fn load_profile(state: &AppState, bearer: Bearer) -> Result<Json<Profile>, Problem> {
    state
        .db
        .call(move |conn| profile(conn, &bearer))
        .await?
        .map(Json)
        .ok_or_else(account_gone)
}

async fn load_account(state: &AppState, user_id: &str) -> Result<Account, Problem> {
    let user_id = user_id.to_owned();
    state
        .db
        .call(move |conn| accounts::by_id(conn, &user_id))
        .await?
        .ok_or_else(account_gone)
}

/// A live token whose account is missing: only if someone edited the
/// database by hand.
fn account_gone() -> Problem {
    Problem::new(
        ProblemKind::Unauthorized,
        "The token's account no longer exists.",
    )
}

/// `GET /api/v1/me`.
pub(crate) async fn get(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
) -> Result<Json<Profile>, Problem> {
    load_profile(&state, bearer).await
}

#[derive(Deserialize)]
pub(crate) struct VerificationRequest {
    #[serde(default)]
    method: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    reserved_phone: String,
    #[serde(default)]
    liveness_ticket: String,
}

/// Liveness tickets with this prefix pass the simulated face check.
const LIVENESS_OK_PREFIX: &str = "live-ok-";
/// Card numbers ending like this are declined by the simulated bank.
const DECLINED_CARD_SUFFIX: &str = "0000";

/// `POST /api/v1/me/verification`: real-name verification (实名认证) by bank
/// card (four elements) or face (liveness). Success makes the account
/// `verified`.
pub(crate) async fn verify(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiJson(request): ApiJson<VerificationRequest>,
) -> Result<Json<Profile>, Problem> {
    let method = request.method.as_str();
    if method != "bank_card" && method != "face" {
        return Err(Problem::invalid_field(
            "method",
            "method must be bank_card or face.",
        ));
    }
    check_name(&request.name)?;
    let id_number = check_id_number(&request.id_number)
        .map_err(|error| Problem::invalid_field("id_number", format!("{error}.")))?;
    if id_number.birth_date() > china_date(state.clock.now_ms()) {
        return Err(Problem::invalid_field(
            "id_number",
            "the ID number's birth date is in the future.",
        ));
    }

    let account = load_account(&state, &bearer.user_id).await?;
    if method == "bank_card" {
        let card: String = request.card_number.chars().filter(|c| *c != ' ').collect();
        check_bank_card(&card)
            .map_err(|error| Problem::invalid_field("card_number", format!("{error}.")))?;
        if request.reserved_phone != account.phone {
            return Err(Problem::invalid_field(
                "reserved_phone",
                "the card's reserved phone does not match the account's phone number.",
            ));
        }
        if card.ends_with(DECLINED_CARD_SUFFIX) {
            return Err(Problem::invalid_field(
                "card_number",
                "the bank declined to confirm this card; try another card or face verification.",
            ));
        }
    } else if !request.liveness_ticket.starts_with(LIVENESS_OK_PREFIX) {
        return Err(Problem::invalid_field(
            "liveness_ticket",
            "the liveness check failed; capture the face again.",
        ));
    }

    if account.tier == Tier::Verified {
        let same_person = account.real_name.as_deref() == Some(request.name.as_str())
            && account.id_number.as_deref() == Some(id_number.as_str());
        if !same_person {
            return Err(Problem::new(
                ProblemKind::Conflict,
                "This account is already verified as another person.",
            ));
        }
        return load_profile(&state, bearer).await;
    }

    let (user_id, name, id, method, now) = (
        account.id.clone(),
        request.name.clone(),
        id_number.as_str().to_owned(),
        method.to_owned(),
        state.clock.now_ms(),
    );
    state
        .db
        .call(move |conn| {
            conn.prepare_cached(
                "UPDATE users SET tier = 'verified', real_name = ?2, id_number = ?3, \
                     verified_with = ?4, verified_at_ms = ?5 WHERE id = ?1",
            )?
            .execute(params![user_id, name, id, method, now])
        })
        .await?;
    tracing::info!(user_id = %account.id, method = %request.method, "real-name verified");
    load_profile(&state, bearer).await
}

/// A person's name as on the ID card: 1–50 characters, no digits or
/// control characters, no surrounding spaces.
fn check_name(name: &str) -> Result<(), Problem> {
    let length = name.chars().count();
    let plausible = (1..=50).contains(&length)
        && name.trim() == name
        && !name.chars().any(|c| c.is_control() || c.is_ascii_digit());
    if plausible {
        Ok(())
    } else {
        Err(Problem::invalid_field(
            "name",
            "name must be the name on the ID card: 1 to 50 characters, no digits.",
        ))
    }
}

#[derive(Deserialize)]
pub(crate) struct NewCompany {
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    name: String,
}

/// `POST /api/v1/me/companies`: bind a company the (verified) user may act
/// for. 201 when new; 200 when it was bound already (its name is updated).
pub(crate) async fn add_company(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiJson(request): ApiJson<NewCompany>,
) -> Result<(StatusCode, Json<Company>), Problem> {
    let account = load_account(&state, &bearer.user_id).await?;
    if account.tier != Tier::Verified {
        return Err(Problem::new(
            ProblemKind::TierRequired,
            "Only real-name verified accounts can add companies; verify first.",
        )
        .with_extension("required_tier", Tier::Verified.as_str()));
    }
    let uscc = check_uscc(&request.uscc)
        .map_err(|error| Problem::invalid_field("uscc", format!("{error}.")))?;
    let name = request.name.trim().to_owned();
    if !(1..=100).contains(&name.chars().count()) || name.chars().any(char::is_control) {
        return Err(Problem::invalid_field(
            "name",
            "name must be the company's registered name, 1 to 100 characters.",
        ));
    }
    let company = Company { uscc, name };
    let row = company.clone();
    let now = state.clock.now_ms();
    let created = state
        .db
        .call(move |conn| {
            let updated = conn
                .prepare_cached("UPDATE companies SET name = ?3 WHERE user_id = ?1 AND uscc = ?2")?
                .execute(params![account.id, row.uscc, row.name])?;
            if updated == 0 {
                conn.prepare_cached(
                    "INSERT INTO companies (user_id, uscc, name, added_at_ms) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![account.id, row.uscc, row.name, now])?;
            }
            Ok(updated == 0)
        })
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(company)))
}

/// `POST /api/v1/me/acting-as` with `{"uscc": "…"}` or `{"uscc": null}`:
/// whom this sign-in acts for (one of the user's companies, or the person).
pub(crate) async fn set_acting_as(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiJson(request): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<Json<Profile>, Problem> {
    let uscc = match request.get("uscc") {
        None => {
            return Err(Problem::invalid_field(
                "uscc",
                "uscc is required: a company's code, or null to act as yourself.",
            ));
        }
        Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(code)) => Some(
            check_uscc(code)
                .map_err(|error| Problem::invalid_field("uscc", format!("{error}.")))?,
        ),
        Some(_) => {
            return Err(Problem::invalid_field(
                "uscc",
                "uscc must be a string or null.",
            ));
        }
    };
    let (user_id, session_id) = (bearer.user_id.clone(), bearer.session_id.clone());
    let allowed = state
        .db
        .call(move |conn| {
            if let Some(code) = &uscc {
                let companies = accounts::companies(conn, &user_id)?;
                if !companies.iter().any(|c| &c.uscc == code) {
                    return Ok(false);
                }
            }
            sessions::set_acting_as(conn, &session_id, uscc.as_deref())?;
            Ok(true)
        })
        .await?;
    if !allowed {
        return Err(Problem::new(
            ProblemKind::Forbidden,
            "That company is not among this account's companies.",
        ));
    }
    load_profile(&state, bearer).await
}

#[derive(Deserialize)]
pub(crate) struct PasswordChange {
    #[serde(default)]
    password: String,
    #[serde(default)]
    current_password: Option<String>,
}

/// `PUT /api/v1/me/password`: set the password used by the `password` grant,
/// or change it (then `current_password` is required). Ends every other
/// sign-in of the account.
pub(crate) async fn set_password(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    ApiJson(request): ApiJson<PasswordChange>,
) -> Result<StatusCode, Problem> {
    let length = request.password.chars().count();
    if !(password::MIN_LEN..=password::MAX_LEN).contains(&length) {
        return Err(Problem::invalid_field(
            "password",
            format!(
                "password must be {} to {} characters.",
                password::MIN_LEN,
                password::MAX_LEN
            ),
        ));
    }
    let account = load_account(&state, &bearer.user_id).await?;
    if let Some(stored) = account.password_hash.clone() {
        let Some(current) = request.current_password.clone() else {
            return Err(Problem::invalid_field(
                "current_password",
                "current_password is required to change an existing password.",
            ));
        };
        let matches = blocking(move || password::verify(&current, Some(&stored))).await?;
        if !matches {
            return Err(Problem::invalid_field(
                "current_password",
                "current_password is wrong.",
            ));
        }
    }
    let new_password = request.password;
    let hash = blocking(move || password::hash(&new_password))
        .await?
        .map_err(|error| {
            tracing::error!(%error, "hashing a password failed");
            Problem::internal()
        })?;
    let now = state.clock.now_ms();
    let (user_id, session_id, phone) = (
        account.id.clone(),
        bearer.session_id.clone(),
        account.phone.clone(),
    );
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            tx.prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")?
                .execute(params![user_id, hash])?;
            tx.prepare_cached("DELETE FROM password_failures WHERE phone = ?1")?
                .execute(params![phone])?;
            sessions::revoke_others(&tx, &user_id, &session_id, now)?;
            tx.commit()
        })
        .await?;
    tracing::info!(user_id = %account.id, "password set");
    Ok(StatusCode::NO_CONTENT)
}

/// Runs slow work (password hashing) on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(work).await.map_err(|error| {
        tracing::error!(%error, "blocking task failed");
        Problem::internal()
    })
}
