//! Keeping the offline catalog in step with the platform's change feed.
//!
//! Each page and the cursor after it commit in one transaction, so a sync
//! killed at any moment resumes at the next page with nothing doubled or
//! skipped. A 410 (the platform compacted its log past our cursor) starts a
//! full pass from the beginning: the old copy stays readable until the pass
//! ends and sweeps what it no longer brought.

use std::sync::Arc;

use super::GuideShared;
use super::api::{self, Changes};
use super::cancel::CancelFlag;
use super::progress::{SyncOptions, SyncPhase, SyncProgress, SyncReport};
use super::snapshot;
use super::store;
use super::wire::ChangesPage;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::store::Database;
use crate::time_util::now_ms;

/// Called after every step of a sync.
pub type ProgressListener = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

/// A 410 right after starting over means the platform is misbehaving.
const MAX_RESTARTS: u32 = 2;

pub(crate) struct SyncRun<'a> {
    pub(crate) http: &'a HttpClient,
    pub(crate) db: &'a Database,
    pub(crate) shared: &'a GuideShared,
    pub(crate) options: SyncOptions,
    pub(crate) listener: Option<ProgressListener>,
    pub(crate) cancel: Arc<CancelFlag>,
}

impl SyncRun<'_> {
    fn report(&self, report: &SyncReport, phase: SyncPhase, remaining: Option<u64>) {
        if let Some(listener) = &self.listener {
            listener(&SyncProgress {
                phase,
                pages: report.pages,
                upserted: report.upserted,
                deleted: report.deleted,
                remaining,
                guides: report.guides,
            });
        }
    }

    pub(crate) async fn run(self) -> Result<SyncReport> {
        if !(1..=1000).contains(&self.options.page_size) {
            return Err(Error::invalid_input("page_size must be 1 to 1000"));
        }
        let mut report = SyncReport {
            completed: false,
            pages: 0,
            upserted: 0,
            deleted: 0,
            swept: 0,
            used_snapshot: false,
            restarted: false,
            guides: self.db.call(|c| store::count(c)).await?,
            last_synced_at_ms: None,
        };
        self.report(&report, SyncPhase::Started, None);
        let state = self.db.call(|c| store::sync_state(c)).await?;
        let first_install = state.cursor.is_none() && report.guides == 0;
        if first_install && self.options.snapshot_on_first_install {
            match self.first_install_snapshot(&mut report).await {
                Ok(()) => {}
                Err(e) if e.is_network() => return Err(e),
                // A platform without the snapshot (or a bad file): page instead.
                Err(e) => tracing::warn!(error = %e, "snapshot unusable; syncing page by page"),
            }
            if self.cancel.is_cancelled() {
                return self.cancelled(report).await;
            }
        }
        let mut restarts = 0;
        loop {
            let state = self.db.call(|c| store::sync_state(c)).await?;
            if state.cursor.is_none() && !state.full_pass_open {
                self.start_full_pass().await?;
            }
            let fetch = api::fetch_changes(
                self.http,
                state.cursor.as_deref(),
                self.options.page_size as usize,
            );
            let changes = tokio::select! {
                biased;
                () = self.cancel.cancelled() => return self.cancelled(report).await,
                changes = fetch => changes?,
            };
            let page = match changes {
                Changes::Page(page) => page,
                Changes::CursorExpired => {
                    restarts += 1;
                    if restarts > MAX_RESTARTS {
                        return Err(Error::protocol(
                            "the platform keeps refusing the catalog cursor from the beginning",
                        ));
                    }
                    tracing::info!("catalog cursor expired; starting a full pass");
                    self.start_full_pass().await?;
                    report.restarted = true;
                    self.report(&report, SyncPhase::Restarted, None);
                    continue;
                }
            };
            let has_more = page.has_more;
            let remaining = page.remaining;
            let applied = self.db.call(move |c| apply_page(c, page)).await?;
            self.shared.catalog_changed();
            report.pages += 1;
            report.upserted += applied.upserted;
            report.deleted += applied.deleted;
            report.swept += applied.swept;
            report.guides = applied.guides;
            self.report(&report, SyncPhase::PageApplied, remaining);
            if !has_more {
                break;
            }
            if self.cancel.is_cancelled() {
                return self.cancelled(report).await;
            }
        }
        report.completed = true;
        report.last_synced_at_ms = self
            .db
            .call(|c| store::sync_state(c))
            .await?
            .last_synced_at_ms;
        self.report(&report, SyncPhase::Finished, Some(0));
        Ok(report)
    }

    async fn first_install_snapshot(&self, report: &mut SyncReport) -> Result<()> {
        let download = api::fetch_snapshot(self.http, None);
        let download = tokio::select! {
            biased;
            () = self.cancel.cancelled() => return Ok(()),
            download = download => download?,
        };
        let api::SnapshotDownload::Fresh(gzip, etag) = download else {
            return Ok(());
        };
        let imported = self
            .db
            .call(move |c| snapshot::import_gzip(c, &gzip, etag.as_deref()))
            .await?;
        self.shared.catalog_changed();
        report.used_snapshot = true;
        report.upserted += imported.guides;
        report.guides = imported.guides;
        self.report(report, SyncPhase::SnapshotImported, None);
        Ok(())
    }

    async fn start_full_pass(&self) -> Result<()> {
        self.db
            .call(|c| {
                let tx = c.transaction()?;
                store::begin_full_pass(&tx)?;
                tx.commit()?;
                Ok(())
            })
            .await
    }

    async fn cancelled(&self, mut report: SyncReport) -> Result<SyncReport> {
        report.last_synced_at_ms = self
            .db
            .call(|c| store::sync_state(c))
            .await?
            .last_synced_at_ms;
        self.report(&report, SyncPhase::Cancelled, None);
        Ok(report)
    }
}

struct Applied {
    upserted: u64,
    deleted: u64,
    swept: u64,
    guides: u64,
}

/// One page and its cursor, in one transaction.
fn apply_page(conn: &mut rusqlite::Connection, page: ChangesPage) -> Result<Applied> {
    let tx = conn.transaction()?;
    let state = store::sync_state(&tx)?;
    for guide in &page.upserts {
        store::upsert(&tx, guide, state.generation)?;
    }
    let mut deleted = 0;
    for code in &page.deletions {
        deleted += u64::from(store::delete(&tx, code)?);
    }
    store::set_cursor(&tx, &page.next_cursor, now_ms())?;
    let swept = if !page.has_more && state.full_pass_open {
        store::end_full_pass(&tx, state.generation)? as u64
    } else {
        0
    };
    let guides = store::count(&tx)?;
    tx.commit()?;
    Ok(Applied {
        upserted: page.upserts.len() as u64,
        deleted,
        swept,
        guides,
    })
}
