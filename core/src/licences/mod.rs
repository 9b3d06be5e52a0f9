//! Electronic licences (电子证照): `client.licences()` for the holder,
//! `client.verifier()` for whoever checks a shown QR code.
//!
//! - `api.rs`: the platform's licence, device, trust and verify endpoints.
//! - `store.rs`: the user's licences, synced into their personal
//!   (encrypted) database, so they are read and presented offline.
//! - `device_key.rs`: this device's key in the SecretStore, certified by
//!   the platform.
//! - `present.rs`: one presentation, offline (signed here) or online.
//! - `stream.rs`: presentations refreshed ahead of expiry, for a countdown.
//! - `qr.rs`: a presentation text drawn as a QR code (matrix, PNG, SVG).
//! - `verifier.rs`: checks a QR text from cached issuer keys, status lists
//!   and a replay cache, offline if need be.
//!
//! The formats and the cryptography are the `banshitong-trust` crate's.

mod api;
mod device_key;
pub mod model;
mod online_verdict;
mod present;
pub mod qr;
mod qr_mask;
mod store;
mod stream;
mod verifier;
mod verifier_store;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use banshitong_trust::Suite;

pub(crate) use self::device_key::forget as forget_device_keys;
pub use self::model::{
    Disclosure, Licence, LicenceClaim, LicenceStatus, Presentation, PresentationMode,
};
pub use self::qr::QrMatrix;
pub use self::stream::PresentationStream;
pub use self::verifier::{DEFAULT_CLOCK_SKEW, Outcome, Reason, ReasonKind, Verifier};
use crate::auth::session::Session;
use crate::error::{Error, Result};
use crate::platform::SecretStore;
use crate::store::Database;
use crate::time_util::now_ms;
pub use banshitong_trust::Verdict;

/// The name suffix of a claim's masked twin (`id_number_masked`).
pub(crate) const MASKED_SUFFIX: &str = "_masked";

/// How long an offline presentation is good for, unless set otherwise.
pub const DEFAULT_OFFLINE_LIFETIME: Duration = Duration::from_secs(30);

/// How far ahead of expiry the stream makes the next presentation: enough
/// for a verifier's camera to catch the new code before the old one dies.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(3);

/// The signed-in user's licences on this device.
#[derive(Clone)]
pub struct Licences {
    shared: Arc<Shared>,
    offline_lifetime: Duration,
    refresh_before: Duration,
}

struct Shared {
    user_id: String,
    db: Database,
    session: Arc<Session>,
    secrets: Arc<dyn SecretStore>,
}

impl Licences {
    pub(crate) fn open_for(
        user_id: String,
        db: Database,
        session: Arc<Session>,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                user_id,
                db,
                session,
                secrets,
            }),
            offline_lifetime: DEFAULT_OFFLINE_LIFETIME,
            refresh_before: DEFAULT_REFRESH_BEFORE,
        }
    }

    /// The same licences, presenting offline with another lifetime (and
    /// refreshing `refresh_before` ahead of each expiry).
    pub fn with_offline_lifetime(&self, lifetime: Duration, refresh_before: Duration) -> Self {
        Self {
            shared: self.shared.clone(),
            offline_lifetime: lifetime.max(Duration::from_secs(1)),
            refresh_before,
        }
    }

    pub fn user_id(&self) -> &str {
        &self.shared.user_id
    }

    /// Fetches the user's licences from the platform into the personal
    /// database, and certifies this device's key for each signature suite
    /// they use, so presenting works offline afterwards.
    pub async fn sync(&self) -> Result<Vec<Licence>> {
        let fetched = api::licences(&self.shared.session, now_ms()).await?;
        let mut suites: Vec<Suite> = Vec::new();
        for licence in &fetched {
            let suite = suite_of(&licence.suite)?;
            if !suites.contains(&suite) {
                suites.push(suite);
            }
        }
        let stored = fetched.clone();
        self.shared
            .db
            .call(move |c| Ok(store::replace_all(c, &stored)?))
            .await?;
        for suite in suites {
            self.certified(suite).await?;
        }
        self.list().await
    }

    /// The licences held on this device (no network).
    pub async fn list(&self) -> Result<Vec<Licence>> {
        let today = today();
        let held = self.shared.db.call(|c| Ok(store::list(c)?)).await?;
        Ok(held.iter().map(|l| l.view(&today)).collect())
    }

    /// One held licence (no network).
    pub async fn get(&self, id: &str) -> Result<Licence> {
        Ok(self.held(id).await?.view(&today()))
    }

    /// One presentation of a held licence. Offline needs no network once
    /// the licences were synced; online asks the platform for a token.
    pub async fn present(
        &self,
        id: &str,
        mode: PresentationMode,
        disclosure: &Disclosure,
    ) -> Result<Presentation> {
        let licence = self.held(id).await?;
        let view = licence.view(&today());
        if view.status != LicenceStatus::Valid {
            return Err(Error::invalid_input(format!(
                "this licence is {} and can't be shown",
                view.status.name()
            )));
        }
        let names = present::disclosed_names(&licence, disclosure)?;
        match mode {
            PresentationMode::Offline => {
                let (key, device) = self.certified(suite_of(&licence.suite)?).await?;
                present::offline(
                    &licence,
                    &names,
                    &key,
                    &device.certificate,
                    now_ms(),
                    self.offline_lifetime.as_millis() as i64,
                )
            }
            PresentationMode::Online => {
                let token = api::online_presentation(&self.shared.session, id, &names).await?;
                Ok(Presentation {
                    qr_text: token.qr_text,
                    issued_at_ms: now_ms(),
                    expires_at_ms: token.expires_at_ms,
                })
            }
        }
    }

    /// Presentations of a held licence, each made a little before the
    /// previous one expires, for as long as the stream is kept.
    pub fn present_stream(
        &self,
        id: &str,
        mode: PresentationMode,
        disclosure: Disclosure,
    ) -> PresentationStream {
        let licences = self.clone();
        let id = id.to_owned();
        PresentationStream::start(self.refresh_before, move || {
            let (licences, id, disclosure) = (licences.clone(), id.clone(), disclosure.clone());
            async move { licences.present(&id, mode, &disclosure).await }
        })
    }

    async fn held(&self, id: &str) -> Result<store::StoredLicence> {
        let key = id.to_owned();
        self.shared
            .db
            .call(move |c| Ok(store::get(c, &key)?))
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("licence {id}"),
            })
    }

    async fn certified(
        &self,
        suite: Suite,
    ) -> Result<(banshitong_trust::SigningKey, store::DeviceRegistration)> {
        device_key::certified(
            self.shared.secrets.as_ref(),
            &self.shared.db,
            &self.shared.session,
            suite,
            &self.shared.user_id,
        )
        .await
    }
}

fn suite_of(name: &str) -> Result<Suite> {
    Suite::from_str(name).map_err(|e| Error::protocol(e.to_string()))
}

/// `YYYY-MM-DD` (UTC), comparable with a licence's dates as text.
fn today() -> String {
    let now = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}
