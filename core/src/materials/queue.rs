//! The scheduler: starts due uploads (at most `max_parallel` at once),
//! sleeps until the next one is due, and wakes when an item is added or
//! resumed, a worker ends, or the network comes back. It stops by itself
//! when the materials handle is gone.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::model::ResumeReport;
use super::tus::StopHandle;
use super::{Running, Shared, store, worker};
use crate::error::Result;
use crate::events::Connectivity;
use crate::time_util::now_ms;

/// The queue view is refreshed at most this often while bytes move (state
/// changes show at once).
const LIST_REFRESH: Duration = Duration::from_millis(250);

pub(super) fn start(shared: &Arc<Shared>) {
    tokio::spawn(schedule(Arc::downgrade(shared)));
    tokio::spawn(refresh_list(Arc::downgrade(shared)));
}

async fn schedule(weak: Weak<Shared>) {
    let mut connectivity = match weak.upgrade() {
        Some(shared) => shared.http.connectivity().subscribe(),
        None => return,
    };
    loop {
        let Some(shared) = weak.upgrade() else { return };
        if shared.retry_now.swap(false, Ordering::SeqCst)
            && let Err(e) = shared.db.call(|c| store::all_due_now(c, now_ms())).await
        {
            tracing::warn!(error = %e, "cannot reschedule the upload queue");
        }
        if !shared.held.load(Ordering::SeqCst)
            && shared.speaks_for_user()
            && let Err(e) = start_due(&shared).await
        {
            tracing::warn!(error = %e, "upload queue pass failed");
        }
        let next = shared
            .db
            .call(|c| store::next_due_at(c))
            .await
            .unwrap_or(Some(now_ms() + 5_000));
        let kick = shared.kick.clone();
        drop(shared);
        let sleep = match next {
            Some(at) => Duration::from_millis((at - now_ms()).clamp(0, 3_600_000) as u64),
            None => Duration::from_secs(3600),
        };
        tokio::select! {
            () = kick.notified() => {}
            () = tokio::time::sleep(sleep) => {}
            changed = connectivity.next() => match changed {
                Some(Connectivity::Online) => {
                    if let Some(shared) = weak.upgrade() {
                        shared.retry_now.store(true, Ordering::SeqCst);
                    }
                }
                Some(_) => continue,
                None => return,
            },
        }
    }
}

/// Starts as many due items as there are free slots.
async fn start_due(shared: &Arc<Shared>) -> Result<()> {
    let running = shared.lock_running().len();
    let slots = shared.settings.max_parallel as usize;
    if running >= slots {
        return Ok(());
    }
    // Running items are `uploading`, never due, so the query skips them.
    let due = shared
        .db
        .call(move |c| store::due(c, now_ms(), slots - running))
        .await?;
    for row in due {
        let id = row.item.id.clone();
        let key = id.clone();
        if !shared
            .db
            .call(move |c| store::claim(c, &key, now_ms()))
            .await?
        {
            continue;
        }
        shared.changed(&id).await;
        let (stop, signal) = StopHandle::new();
        let (ended_sender, ended) = watch::channel(());
        shared
            .lock_running()
            .insert(id.clone(), Running { stop, ended });
        let worker_shared = shared.clone();
        tokio::spawn(async move {
            worker::run(&worker_shared, row, signal).await;
            worker_shared.lock_running().remove(&id);
            drop(ended_sender);
            worker_shared.kick.notify_one();
            worker_shared.changed(&id).await;
        });
    }
    Ok(())
}

/// Keeps the queue view current, at most a few times a second.
async fn refresh_list(weak: Weak<Shared>) {
    loop {
        let Some(shared) = weak.upgrade() else { return };
        let dirty = shared.list_dirty.clone();
        drop(shared);
        tokio::select! {
            () = dirty.notified() => {}
            // Notices a dropped handle within a while even when nothing happens.
            () = tokio::time::sleep(Duration::from_secs(60)) => continue,
        }
        let Some(shared) = weak.upgrade() else { return };
        match shared.db.call(|c| store::all(c)).await {
            Ok(items) => shared.list.set(items),
            Err(e) => tracing::warn!(error = %e, "cannot read the upload queue"),
        }
        drop(shared);
        tokio::time::sleep(LIST_REFRESH).await;
    }
}

/// Runs the queue until it is empty or `budget` is spent; then stops the
/// running uploads (they go back to the queue, resumable) and holds the
/// queue until the app asks for uploads again.
pub(super) async fn resume_pending(shared: &Arc<Shared>, budget: Duration) -> Result<ResumeReport> {
    let deadline = Instant::now() + budget;
    let finished_before = shared.finished_count.load(Ordering::SeqCst);
    let bytes_before = shared.bytes_confirmed.load(Ordering::SeqCst);
    // The system gave us this window: waiting items try now, not after their back-off.
    shared.held.store(false, Ordering::SeqCst);
    shared.retry_now.store(true, Ordering::SeqCst);
    shared.kick.notify_one();
    let mut changes = shared.changes.subscribe();
    let mut stopped_by_deadline = false;
    loop {
        let pending = shared.db.call(|c| store::pending_count(c)).await?;
        if pending == 0 {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            stopped_by_deadline = true;
            break;
        }
        // A change, or a look now and then (a waiting item's time may come).
        let _ = tokio::time::timeout(left.min(Duration::from_secs(1)), changes.next()).await;
    }
    if stopped_by_deadline {
        shared.held.store(true, Ordering::SeqCst);
        let running: Vec<String> = shared.lock_running().keys().cloned().collect();
        for id in running {
            shared.stop_worker(&id).await;
        }
    }
    let remaining = shared.db.call(|c| store::pending_count(c)).await?;
    Ok(ResumeReport {
        finished: (shared.finished_count.load(Ordering::SeqCst) - finished_before) as u32,
        remaining,
        bytes_sent: shared.bytes_confirmed.load(Ordering::SeqCst) - bytes_before,
        stopped_by_deadline,
    })
}
