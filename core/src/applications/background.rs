//! One bounded run for the native background schedulers (Android
//! WorkManager, iOS BGTaskScheduler): the outbox (submissions and
//! supplement answers), the material uploads and the application sync run
//! side by side, each stopped by the same deadline, so the run returns
//! within its budget and leaves the rest queued for the next one.
//!
//! A failed application sync doesn't throw away what the rest of the run
//! did. The report says `applications_synced: false`, which is how a
//! scheduler knows the applications still need a run (retry, or let the
//! next periodic run catch up); the run returns the sync's error only when
//! nothing else moved (no upload finished, the outbox no shorter), since
//! then the error is all there is to say and its kind tells the caller
//! whether a retry can help (`SessionExpired` needs the user, not a retry).
//! The report keeps its shape: it crosses to Kotlin and Swift, and the
//! existing flag already carries "the sync didn't finish".

use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use super::model::BackgroundSyncReport;
use super::{Shared, sync};
use crate::error::{Error, Result};

/// Time kept back from the budget for writing the report and returning:
/// schedulers kill a task that overruns.
const MARGIN: Duration = Duration::from_millis(100);

pub(crate) async fn run(shared: &Shared, budget: Duration) -> Result<BackgroundSyncReport> {
    if !shared.speaks_for_user() {
        return Err(Error::Unauthorized);
    }
    let outbox_before = shared.drafts.outbox_status().await?.pending;
    let deadline = Instant::now() + budget.saturating_sub(MARGIN);
    let work_budget = budget.saturating_sub(MARGIN);
    let outbox = async {
        shared.drafts.network_available();
        let mut status = shared.drafts.watch_outbox();
        // Ends when the outbox is empty or the deadline passes.
        let _ = timeout_at(deadline, async {
            while let Some(s) = status.next().await {
                if s.pending == 0 {
                    return;
                }
            }
        })
        .await;
    };
    let uploads = shared.materials.resume_pending(work_budget);
    let applications = timeout_at(deadline, sync::sync(shared));
    let ((), uploads, applications) = tokio::join!(outbox, uploads, applications);
    let uploads = uploads?;
    let mut report = BackgroundSyncReport {
        uploads_finished: uploads.finished,
        uploads_remaining: uploads.remaining,
        stopped_by_deadline: uploads.stopped_by_deadline,
        ..BackgroundSyncReport::default()
    };
    report.outbox_pending = shared.drafts.outbox_status().await?.pending;
    match applications {
        Ok(Ok(synced)) => {
            report.applications_synced = true;
            report.applications_changed = synced.changed.len() as u32;
            report.applications_removed = synced.removed.len() as u32;
        }
        // Offline: the next run (or the app's next start) catches up.
        Ok(Err(e)) if e.is_network() => {
            tracing::info!(error = %e, "background application sync could not reach the platform");
        }
        Ok(Err(e)) => {
            let other_work_done =
                report.uploads_finished > 0 || report.outbox_pending < outbox_before;
            if !other_work_done {
                return Err(e);
            }
            // `applications_synced` stays false: the scheduler runs again.
            tracing::warn!(error = %e, "background application sync failed; keeping the rest of the run");
        }
        Err(_) => report.stopped_by_deadline = true,
    }
    if report.outbox_pending > 0 && Instant::now() >= deadline {
        report.stopped_by_deadline = true;
    }
    Ok(report)
}
