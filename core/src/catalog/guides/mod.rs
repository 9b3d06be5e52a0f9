//! The offline service-guide catalog (办事指南离线缓存): sync with the
//! platform's change feed, snapshot import, guides readable with no
//! network and revalidated by ETag when there is one, search and browse.

mod api;
pub mod browse;
mod cancel;
pub mod model;
pub mod progress;
pub mod snapshot;
mod snapshot_reader;
mod store;
mod sync;
mod wire;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use self::api::Revalidated;
use self::browse::{BrowseBy, FacetCount};
use self::cancel::CancelFlag;
use self::model::{Freshness, GuideView};
use self::progress::{CatalogStatus, SyncOptions, SyncReport};
use self::snapshot::SnapshotImport;
pub use self::sync::ProgressListener;
use super::Catalog;
use crate::catalog::search::{self, PinyinVocabulary, SearchPage, SearchRequest};
use crate::error::{Error, Result};

/// How long opening a guide waits for the platform before showing the
/// offline copy: one bar of signal must not hold the page hostage.
const REVALIDATE_BUDGET: Duration = Duration::from_millis(2500);

/// State shared by every clone of the catalog handle.
#[derive(Default)]
pub(crate) struct GuideShared {
    /// Bumped whenever guides change, so caches built from them refresh.
    generation: AtomicU64,
    vocabulary: Mutex<Option<(u64, Arc<PinyinVocabulary>)>>,
    /// One sync at a time; a second caller waits for the first to end.
    sync_lock: tokio::sync::Mutex<()>,
    running: Mutex<Option<Arc<CancelFlag>>>,
}

impl GuideShared {
    pub(crate) fn catalog_changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl Catalog {
    /// Brings the offline catalog up to date: a first install takes the
    /// compressed snapshot, later syncs only what changed. Resumes where an
    /// interrupted sync stopped; `cancel_sync` stops it between pages.
    pub async fn sync(&self, listener: Option<ProgressListener>) -> Result<SyncReport> {
        self.sync_with(SyncOptions::default(), listener).await
    }

    pub async fn sync_with(
        &self,
        options: SyncOptions,
        listener: Option<ProgressListener>,
    ) -> Result<SyncReport> {
        let _one_at_a_time = self.guides.sync_lock.lock().await;
        let cancel = CancelFlag::new();
        *lock(&self.guides.running) = Some(cancel.clone());
        let result = sync::SyncRun {
            http: &self.http,
            db: &self.db,
            shared: &self.guides,
            options,
            listener,
            cancel,
        }
        .run()
        .await;
        *lock(&self.guides.running) = None;
        // Browsing by region wants names, not codes: fetch the regions once
        // along with the first sync (best effort; they are small).
        if result.as_ref().is_ok_and(|r| r.completed)
            && !self.has_cached(super::store::REGIONS).await.unwrap_or(true)
            && let Err(e) = self.regions().await
        {
            tracing::debug!(error = %e, "regions not fetched with the catalog");
        }
        result
    }

    /// Stops the running sync, if any, after the page it is applying.
    pub fn cancel_sync(&self) {
        if let Some(flag) = lock(&self.guides.running).as_ref() {
            flag.cancel();
        }
    }

    /// Imports a snapshot file the app ships (gzip, as `GET
    /// /api/v1/catalog/snapshot` serves it), with no network. Does nothing
    /// when the catalog has been synced before.
    pub async fn import_snapshot(&self, path: PathBuf) -> Result<SnapshotImport> {
        let gzip = tokio::fs::read(&path).await.map_err(|e| {
            Error::invalid_input(format!("cannot read the snapshot {}: {e}", path.display()))
        })?;
        self.import_snapshot_bytes(gzip).await
    }

    pub async fn import_snapshot_bytes(&self, gzip: Vec<u8>) -> Result<SnapshotImport> {
        let _one_at_a_time = self.guides.sync_lock.lock().await;
        let imported = self
            .db
            .call(move |c| snapshot::import_gzip(c, &gzip, None))
            .await?;
        self.guides.catalog_changed();
        Ok(imported)
    }

    pub async fn status(&self) -> Result<CatalogStatus> {
        self.db
            .call(|c| {
                let state = store::sync_state(c)?;
                Ok(CatalogStatus {
                    guides: store::count(c)?,
                    last_synced_at_ms: state.last_synced_at_ms,
                    sync_incomplete: state.full_pass_open,
                })
            })
            .await
    }

    /// One guide. With network, the stored revision is checked with the
    /// platform (ETag; a 304 costs a few bytes) and replaced if it changed;
    /// without, or when the platform is slow, the offline copy is returned.
    pub async fn guide(&self, code: String) -> Result<GuideView> {
        check_code(&code)?;
        let lookup = code.clone();
        let (stored, synced_at_ms) = self
            .db
            .call(move |c| {
                Ok((
                    store::load(c, &lookup)?,
                    store::sync_state(c)?.last_synced_at_ms,
                ))
            })
            .await?;
        let etag = stored.as_ref().map(|g| api::etag_of(&g.code, g.revision));
        let asked =
            tokio::time::timeout(REVALIDATE_BUDGET, api::revalidate(&self.http, &code, etag)).await;
        let offline = Freshness::Offline { synced_at_ms };
        match (asked, stored) {
            (Ok(Ok(Revalidated::NotModified)), Some(guide)) => Ok(GuideView {
                guide,
                freshness: Freshness::Revalidated,
            }),
            (Ok(Ok(Revalidated::NotModified)), None) => {
                Err(Error::protocol("304 for a guide we never had"))
            }
            (Ok(Ok(Revalidated::Changed(guide))), _) => {
                let guide = *guide;
                let to_store = guide.clone();
                self.db
                    .call(move |c| {
                        let tx = c.transaction()?;
                        let generation = store::sync_state(&tx)?.generation;
                        store::upsert(&tx, &to_store, generation)?;
                        tx.commit()?;
                        Ok(())
                    })
                    .await?;
                self.guides.catalog_changed();
                Ok(GuideView {
                    guide,
                    freshness: Freshness::Revalidated,
                })
            }
            (Ok(Err(Error::NotFound { what })), _) => {
                // Withdrawn on the platform: the offline copy goes too.
                let gone = code.clone();
                self.db
                    .call(move |c| {
                        let tx = c.transaction()?;
                        store::delete(&tx, &gone)?;
                        tx.commit()?;
                        Ok(())
                    })
                    .await?;
                self.guides.catalog_changed();
                Err(Error::NotFound { what })
            }
            (Ok(Err(e)), Some(guide)) if e.is_network() => {
                tracing::debug!(error = %e, "platform unreachable; showing the offline guide");
                Ok(GuideView {
                    guide,
                    freshness: offline,
                })
            }
            (Err(_elapsed), Some(guide)) => Ok(GuideView {
                guide,
                freshness: offline,
            }),
            (Ok(Err(e)), _) => Err(e),
            (Err(_elapsed), None) => Err(Error::Timeout),
        }
    }

    /// One guide from the offline copy only, never touching the network.
    pub async fn offline_guide(&self, code: String) -> Result<Option<model::Guide>> {
        check_code(&code)?;
        self.db.call(move |c| store::load(c, &code)).await
    }

    /// Searches the offline catalog (no network). See `SearchRequest`.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchPage> {
        let (words, needs_pinyin) = search::prepare(&request)?;
        let vocabulary = if needs_pinyin {
            Some(self.vocabulary().await?)
        } else {
            None
        };
        self.db
            .call(move |c| search::run(c, &request, words, vocabulary.as_deref()))
            .await
    }

    /// Guide counts by theme, department or region, optionally within a region.
    pub async fn browse(
        &self,
        by: BrowseBy,
        within_region: Option<String>,
    ) -> Result<Vec<FacetCount>> {
        self.db
            .call(move |c| browse::counts(c, by, within_region.as_deref()))
            .await
    }

    async fn vocabulary(&self) -> Result<Arc<PinyinVocabulary>> {
        let generation = self.guides.generation.load(Ordering::SeqCst);
        if let Some((built_at, vocabulary)) = lock(&self.guides.vocabulary).as_ref()
            && *built_at == generation
        {
            return Ok(vocabulary.clone());
        }
        let mut words = self.db.call(|c| store::vocabulary_words(c)).await?;
        words.extend(search::synonym_terms().map(str::to_owned));
        let vocabulary = Arc::new(PinyinVocabulary::new(words.iter().map(String::as_str)));
        tracing::debug!(entries = vocabulary.len(), "built the pinyin vocabulary");
        *lock(&self.guides.vocabulary) = Some((generation, vocabulary.clone()));
        Ok(vocabulary)
    }
}

fn check_code(code: &str) -> Result<()> {
    if wire::is_guide_code(code) {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "a guide code has ASCII letters, digits and '-' only (e.g. GA001-530102)",
        ))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
