//! The platform's material endpoints: the library of what it holds for the
//! user, the lookup by sha256 that lets a file skip its upload, and the
//! licences issued to the user.

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::model::{IssuedLicence, Material};
use crate::auth::session::Session;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MaterialList {
    pub(crate) materials: Vec<Material>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LicenceList {
    pub(crate) licences: Vec<IssuedLicence>,
}

/// `GET /api/v1/materials`: newest first.
pub(crate) async fn materials(session: &Session) -> Result<Vec<Material>> {
    Ok(session
        .get_json::<MaterialList>("api/v1/materials")
        .await?
        .materials)
}

/// `GET /api/v1/me/licences`.
pub(crate) async fn licences(session: &Session) -> Result<Vec<IssuedLicence>> {
    Ok(session
        .get_json::<LicenceList>("api/v1/me/licences")
        .await?
        .licences)
}

/// `GET /api/v1/materials/by-sha256/{sha256}`: the user's material with
/// these bytes, if the platform holds one.
pub(crate) async fn material_by_sha256(
    session: &Session,
    sha256: &str,
) -> Result<Option<Material>> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid_input("a sha256 is 64 hex digits"));
    }
    let path = format!("api/v1/materials/by-sha256/{}", sha256.to_ascii_lowercase());
    let response = session.send_raw(Method::GET, &path, |r| r).await?;
    let status = response.status();
    if status == StatusCode::NOT_FOUND {
        return Ok(None);
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::protocol(format!("material answer cut short: {e}")))?;
    if !status.is_success() {
        return Err(crate::http::problem_error(status.as_u16(), &body));
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| Error::protocol(format!("malformed material: {e}")))
}
