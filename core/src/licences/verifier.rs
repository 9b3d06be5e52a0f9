//! The verifier: checks a shown licence QR code, offline if need be.
//!
//! Issuer keys and status lists are fetched from the platform when it
//! answers and cached in `catalog.db` (with their fetch time), so a
//! roadside check with no signal still verifies from the caches; a status
//! list past its max-age then gives "status unknown since T" rather than a
//! guess. Nonces already seen are kept in SQLite, so a replayed code is
//! refused even after the app restarted. The checks themselves are the
//! trust crate's `verify`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use banshitong_trust::{
    CachedStatusList, Licence as SignedLicence, OfflinePresentation, QrText, StatusList, Suite,
    TrustError, TrustedIssuers, Verdict, VerifyOptions, VerifyingKey, decode_qr_text,
};

use super::api;
use super::verifier_store::{self as vstore, CachedIssuer, SqliteReplayCache};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::store::Database;
use crate::time_util::now_ms;

pub use banshitong_trust::{Outcome, Reason, ReasonKind};

/// The clock difference tolerated between holder and verifier by default.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Verifier {
    http: HttpClient,
    db: Database,
    options: VerifyOptions,
    /// Parsed caches, so a verification does not re-check the list
    /// signatures each time; rebuilt from SQLite after a restart.
    memory: Arc<Mutex<Memory>>,
}

#[derive(Default)]
struct Memory {
    issuers: Option<TrustedIssuers>,
    lists: HashMap<String, CachedStatusList>,
}

impl Verifier {
    pub(crate) fn new(http: HttpClient, db: Database) -> Self {
        Self {
            http,
            db,
            options: VerifyOptions {
                clock_skew_ms: DEFAULT_CLOCK_SKEW.as_millis() as u64,
                ..VerifyOptions::default()
            },
            memory: Arc::default(),
        }
    }

    /// The same verifier (and caches) with another clock skew tolerance.
    pub fn with_clock_skew(&self, skew: Duration) -> Self {
        let mut v = self.clone();
        v.options.clock_skew_ms = skew.as_millis() as u64;
        v
    }

    /// The same verifier accepting offline presentations this long after
    /// they were made (30 s by default, as holders make them).
    pub fn with_presentation_lifetime(&self, lifetime: Duration) -> Self {
        let mut v = self.clone();
        v.options.lifetime_ms = lifetime.as_millis() as u64;
        v
    }

    /// Fetches the trusted issuer keys and every cached status list again.
    pub async fn refresh(&self) -> Result<()> {
        self.refresh_issuers().await?;
        let ids = self.db.call(|c| Ok(vstore::status_list_ids(c)?)).await?;
        for id in ids {
            self.fetch_status_list(&id).await?;
        }
        Ok(())
    }

    /// Checks a shown QR code. Offline codes are checked here from the
    /// caches (refreshed first when the platform answers); an online token
    /// (`BST0:`) is sent to the platform, which alone can check it.
    /// Garbage is an `Invalid` verdict saying why, never an error.
    pub async fn verify(&self, qr_text: &str) -> Result<Verdict> {
        let presentation = match decode_qr_text(qr_text) {
            Ok(QrText::Online(_)) => return self.verify_online(qr_text).await,
            Ok(QrText::Offline(cbor)) => OfflinePresentation::from_cbor(&cbor).ok(),
            Err(_) => None,
        };
        let licence = presentation.and_then(|p| SignedLicence::parse_unverified(&p.licence).ok());
        let issuers = self.issuers().await?;
        let issuers = match &licence {
            Some(l) if issuers.get(&l.issuer_kid).is_none() => {
                // A key issued since the last fetch: worth one try.
                self.try_refresh_issuers().await;
                self.issuers().await?
            }
            _ => issuers,
        };
        let mut lists = Vec::new();
        if let Some(l) = &licence {
            lists.extend(
                self.status_list(&l.metadata.status.list_id, &issuers)
                    .await?,
            );
        }
        let options = self.options;
        let text = qr_text.to_owned();
        self.db
            .call(move |c| {
                let replay = SqliteReplayCache::new(c);
                let now = now_ms() as u64;
                Ok(banshitong_trust::verify(
                    &text, &issuers, &lists, &replay, now, &options,
                ))
            })
            .await
    }

    async fn verify_online(&self, qr_text: &str) -> Result<Verdict> {
        let answer = api::verify_online(&self.http, qr_text).await?;
        super::online_verdict::from_platform(answer)
    }

    async fn issuers(&self) -> Result<TrustedIssuers> {
        if let Some(issuers) = self.lock().issuers.clone() {
            return Ok(issuers);
        }
        let cached = self.db.call(|c| Ok(vstore::issuers(c)?)).await?;
        if cached.is_empty() {
            self.try_refresh_issuers().await;
            let cached = self.db.call(|c| Ok(vstore::issuers(c)?)).await?;
            return Ok(cached);
        }
        self.lock().issuers = Some(cached.clone());
        Ok(cached)
    }

    async fn try_refresh_issuers(&self) {
        if let Err(e) = self.refresh_issuers().await {
            tracing::info!(error = %e, "issuer keys not refreshed; using the cached ones");
        }
    }

    async fn refresh_issuers(&self) -> Result<()> {
        let fetched = api::issuers(&self.http).await?;
        let issuers = fetched
            .into_iter()
            .map(|i| {
                let suite: Suite = i
                    .suite
                    .parse()
                    .map_err(|e: TrustError| Error::protocol(e.to_string()))?;
                let public_key = api::b64("issuer public key", &i.public_key)?;
                // The published key id must be the one the key derives:
                // licences name their key by it.
                let key = VerifyingKey::from_bytes(suite, &public_key)
                    .map_err(|e| Error::protocol(format!("issuer key {}: {e}", i.kid)))?;
                if !key.kid().to_hex().eq_ignore_ascii_case(&i.kid) {
                    return Err(Error::protocol(format!(
                        "issuer key id {} does not match its key",
                        i.kid
                    )));
                }
                Ok(CachedIssuer {
                    suite,
                    public_key,
                    name: i.name,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let now = now_ms();
        let trusted = self
            .db
            .call(move |c| {
                vstore::save_issuers(c, &issuers, now)?;
                Ok(vstore::issuers(c)?)
            })
            .await?;
        let mut memory = self.lock();
        memory.issuers = Some(trusted);
        // Lists are checked against the keys: check them again next time.
        memory.lists.clear();
        Ok(())
    }

    /// The list to check revocation with: the cached one while it is
    /// fresh; else a fresh fetch, falling back to the stale one offline.
    async fn status_list(
        &self,
        id: &str,
        issuers: &TrustedIssuers,
    ) -> Result<Option<CachedStatusList>> {
        let now = now_ms() as u64;
        let in_memory = self.lock().lists.get(id).cloned();
        let cached = match in_memory {
            Some(list) => Some(list),
            None => self.load_status_list(id, issuers).await?,
        };
        if let Some(list) = &cached
            && !list.is_stale_at(now)
        {
            return Ok(cached);
        }
        match self.fetch_status_list(id).await {
            Ok(()) => self.load_status_list(id, issuers).await,
            Err(e) => {
                tracing::info!(error = %e, "status list not refreshed; using the cached one");
                Ok(cached)
            }
        }
    }

    async fn load_status_list(
        &self,
        id: &str,
        issuers: &TrustedIssuers,
    ) -> Result<Option<CachedStatusList>> {
        let key = id.to_owned();
        let Some((cose, fetched_at_ms)) = self
            .db
            .call(move |c| Ok(vstore::status_list(c, &key)?))
            .await?
        else {
            return Ok(None);
        };
        // A list whose signature no longer checks (its key was withdrawn)
        // is as good as none.
        let Ok((list, _)) = StatusList::verify(&cose, issuers) else {
            return Ok(None);
        };
        let cached = CachedStatusList {
            list,
            fetched_at_ms: fetched_at_ms as u64,
        };
        self.lock().lists.insert(id.to_owned(), cached.clone());
        Ok(Some(cached))
    }

    async fn fetch_status_list(&self, id: &str) -> Result<()> {
        let cose = api::status_list(&self.http, id).await?;
        let issuers = self.issuers().await?;
        StatusList::verify(&cose, &issuers)
            .map_err(|e| Error::protocol(format!("status list {id}: {e}")))?;
        let key = id.to_owned();
        let now = now_ms();
        self.db
            .call(move |c| Ok(vstore::save_status_list(c, &key, &cose, now)?))
            .await?;
        self.lock().lists.remove(id);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }
}
