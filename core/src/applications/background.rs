//! One bounded run for the native background schedulers (Android
//! WorkManager, iOS BGTaskScheduler): the outbox (submissions and
//! supplement answers), the material uploads and the application sync run
//! side by side, each stopped by the same deadline, so the run returns
//! within its budget and leaves the rest queued for the next one.

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
        Ok(Err(e)) => return Err(e),
        Err(_) => report.stopped_by_deadline = true,
    }
    report.outbox_pending = shared.drafts.outbox_status().await?.pending;
    if report.outbox_pending > 0 && Instant::now() >= deadline {
        report.stopped_by_deadline = true;
    }
    Ok(report)
}
