//! `BstCatalog`: the offline service-guide catalog as the apps see it
//! (client.catalog()): sync with progress, search, guides, browsing.

use std::path::PathBuf;
use std::sync::Arc;

use banshitong_core::catalog::{
    BrowseBy, Catalog, CatalogStatus, FacetCount, Guide, GuideView, ProgressListener, SearchPage,
    SearchRequest, SnapshotImport, SyncOptions, SyncProgress, SyncReport,
};

use crate::error::BstError;
use crate::runtime::run;

/// Told of each step of one sync. Called on the core's threads, in order,
/// while the sync runs; keep it quick, since the next page waits for it. It
/// may call `cancel_sync`.
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    fn on_progress(&self, progress: SyncProgress) -> Result<(), BstError>;
}

/// The defaults: the snapshot on a first install, pages of 1000 changes.
#[uniffi::export]
pub fn default_sync_options() -> SyncOptions {
    SyncOptions::default()
}

#[derive(uniffi::Object)]
pub struct BstCatalog {
    core: Catalog,
}

impl BstCatalog {
    pub(crate) fn new(core: Catalog) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

#[uniffi::export]
impl BstCatalog {
    /// Brings the offline catalog up to date (a first install takes the
    /// snapshot, later syncs only what changed). Runs to its end even if the
    /// awaiting coroutine or task goes away: stop it with `cancel_sync`.
    pub async fn sync(
        &self,
        listener: Option<Arc<dyn SyncListener>>,
    ) -> Result<SyncReport, BstError> {
        self.sync_with(SyncOptions::default(), listener).await
    }

    pub async fn sync_with(
        &self,
        options: SyncOptions,
        listener: Option<Arc<dyn SyncListener>>,
    ) -> Result<SyncReport, BstError> {
        let core = self.core.clone();
        let listener = listener.map(progress_listener);
        run(async move { Ok(core.sync_with(options, listener).await?) }).await
    }

    /// Stops the running sync, if any, after the page it is applying; that
    /// sync returns with `completed` false and the next one resumes there.
    pub fn cancel_sync(&self) {
        self.core.cancel_sync();
    }

    /// Imports a snapshot file shipped with the app, with no network; does
    /// nothing once the catalog has been synced.
    pub async fn import_snapshot(&self, path: String) -> Result<SnapshotImport, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.import_snapshot(PathBuf::from(path)).await?) }).await
    }

    pub async fn status(&self) -> Result<CatalogStatus, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.status().await?) }).await
    }

    /// One guide, revalidated with the platform when it answers in time,
    /// otherwise the offline copy (see `freshness`).
    pub async fn guide(&self, code: String) -> Result<GuideView, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.guide(code).await?) }).await
    }

    /// One guide from the offline copy only; never touches the network.
    pub async fn offline_guide(&self, code: String) -> Result<Option<Guide>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.offline_guide(code).await?) }).await
    }

    /// Searches the offline catalog (no network).
    pub async fn search(&self, request: SearchRequest) -> Result<SearchPage, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.search(request).await?) }).await
    }

    /// Guide counts by theme, department or region, optionally within a region.
    pub async fn browse(
        &self,
        by: BrowseBy,
        within_region: Option<String>,
    ) -> Result<Vec<FacetCount>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.browse(by, within_region).await?) }).await
    }
}

/// Adapts the app's listener to the core's. A listener that throws is
/// logged and the sync goes on: a broken progress bar must not stop it.
fn progress_listener(listener: Arc<dyn SyncListener>) -> ProgressListener {
    Arc::new(move |progress: &SyncProgress| {
        if let Err(e) = listener.on_progress(progress.clone()) {
            tracing::warn!(error = %e, "sync listener failed");
        }
    })
}
