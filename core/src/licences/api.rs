//! The platform's licence endpoints, as the holder and as a verifier uses
//! them. Wire types stay here; the rest of the domain sees decoded bytes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::model::LicenceStatus;
use super::store::{SaltedClaim, StoredLicence};
use crate::auth::session::Session;
use crate::error::{Error, Result};
use crate::http::HttpClient;

#[derive(Deserialize)]
struct LicenceList {
    licences: Vec<WireLicence>,
}

#[derive(Deserialize)]
struct WireLicence {
    id: String,
    licence_type: String,
    title: String,
    issuer: String,
    suite: String,
    cose: String,
    claims: Vec<WireClaim>,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_until: Option<String>,
    status: String,
    #[serde(default)]
    status_list: Option<WireStatusListRef>,
}

#[derive(Deserialize)]
struct WireClaim {
    name: String,
    value: serde_json::Value,
    salt: String,
}

#[derive(Deserialize)]
struct WireStatusListRef {
    id: String,
    index: u64,
}

/// Base64url, with or without padding (both are seen in the wild).
pub(crate) fn b64(field: &str, text: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| Error::protocol(format!("{field} is not base64url")))
}

pub(crate) fn to_b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `GET /api/v1/me/licences`, decoded for the store.
pub(crate) async fn licences(session: &Session, now_ms: i64) -> Result<Vec<StoredLicence>> {
    let list: LicenceList = session.get_json("api/v1/me/licences").await?;
    list.licences
        .into_iter()
        .map(|l| {
            let status = LicenceStatus::from_name(&l.status)
                .ok_or_else(|| Error::protocol(format!("licence status {}", l.status)))?;
            let claims = l
                .claims
                .into_iter()
                .map(|c| {
                    Ok(SaltedClaim {
                        salt: b64("claim salt", &c.salt)?,
                        name: c.name,
                        value: c.value,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(StoredLicence {
                cose: b64("licence cose", &l.cose)?,
                id: l.id,
                licence_type: l.licence_type,
                title: l.title,
                issuer: l.issuer,
                suite: l.suite,
                claims,
                valid_from: l.valid_from,
                valid_until: l.valid_until,
                status,
                status_list: l.status_list.map(|s| (s.id, s.index)),
                synced_at_ms: now_ms,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct DeviceRequest<'a> {
    public_key: String,
    suite: &'a str,
}

/// The platform's answer to a device registration.
#[derive(Deserialize)]
pub(crate) struct DeviceCertificate {
    pub(crate) device_id: String,
    /// Base64url COSE_Sign1.
    pub(crate) certificate: String,
    /// RFC 3339 text or seconds since the epoch.
    #[serde(default)]
    pub(crate) expires_at: Option<serde_json::Value>,
}

impl DeviceCertificate {
    pub(crate) fn expires_at_ms(&self) -> Option<i64> {
        match self.expires_at.as_ref()? {
            serde_json::Value::Number(n) => n.as_i64().map(|s| s.saturating_mul(1000)),
            serde_json::Value::String(text) => {
                time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                    .ok()
                    .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            }
            _ => None,
        }
    }
}

/// `POST /api/v1/devices`: certifies this device's public key for the user.
pub(crate) async fn register_device(
    session: &Session,
    suite: &str,
    public_key: &[u8],
) -> Result<DeviceCertificate> {
    let body = DeviceRequest {
        public_key: to_b64(public_key),
        suite,
    };
    let response = session
        .send(Method::POST, "api/v1/devices", |r| r.json(&body))
        .await?;
    crate::http::read_json(response).await
}

#[derive(Serialize)]
struct PresentationRequest<'a> {
    disclose: &'a [String],
}

/// An online presentation token.
#[derive(Deserialize)]
pub(crate) struct OnlineToken {
    pub(crate) qr_text: String,
    pub(crate) expires_at_ms: i64,
}

/// `POST /api/v1/licences/{id}/presentations`.
pub(crate) async fn online_presentation(
    session: &Session,
    licence_id: &str,
    disclose: &[String],
) -> Result<OnlineToken> {
    let path = format!("api/v1/licences/{}/presentations", url_segment(licence_id));
    let body = PresentationRequest { disclose };
    let response = session.send(Method::POST, &path, |r| r.json(&body)).await?;
    crate::http::read_json(response).await
}

/// A trusted issuer key as the platform publishes it.
#[derive(Deserialize)]
pub(crate) struct WireIssuer {
    pub(crate) kid: String,
    pub(crate) suite: String,
    pub(crate) public_key: String,
    pub(crate) name: String,
}

#[derive(Deserialize)]
struct IssuerList {
    issuers: Vec<WireIssuer>,
}

/// `GET /api/v1/trust/issuers` (no sign-in: any verifier may ask).
pub(crate) async fn issuers(http: &HttpClient) -> Result<Vec<WireIssuer>> {
    Ok(http
        .get_json::<IssuerList>("api/v1/trust/issuers")
        .await?
        .issuers)
}

#[derive(Deserialize)]
struct WireStatusList {
    cose: String,
}

/// `GET /api/v1/trust/status-lists/{id}`: the issuer-signed list's bytes.
pub(crate) async fn status_list(http: &HttpClient, id: &str) -> Result<Vec<u8>> {
    let path = format!("api/v1/trust/status-lists/{}", url_segment(id));
    let list: WireStatusList = http.get_json(&path).await?;
    b64("status list cose", &list.cose)
}

/// `POST /api/v1/verify` of an online token: the platform's verdict JSON.
pub(crate) async fn verify_online(http: &HttpClient, qr_text: &str) -> Result<serde_json::Value> {
    let body = serde_json::json!({ "qr_text": qr_text });
    let response = http
        .send(Method::POST, "api/v1/verify", |r| r.json(&body))
        .await?;
    crate::http::read_json(response).await
}

/// Ids come from the platform, but a path segment is escaped all the same.
fn url_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}
