//! Cursor sync of the change feed, and the one place where anything the
//! platform says about an application (a feed page, a live event, a
//! withdraw answer) reaches the store, the watchers and the events.
//!
//! The feed is read page by page; each page is stored with its cursor in
//! one transaction, so an interrupted sync goes on where it stopped. Without
//! a cursor (first sync, or 410 because the cursor is older than the
//! platform's horizon) the sync is a full pass: rows the pass did not
//! return are dropped when it ends (archived on the platform, or removed
//! while this device was away for long). A cursor that keeps expiring
//! under the pass restarts it a few times at most, then the sync gives up
//! with "try again later" ([`Error::Unavailable`]).

use super::api::{self, Changes};
use super::events::derive;
use super::model::ApplicationSyncReport;
use super::store::{self, Upsert};
use super::wire::{Received, decode};
use super::{Shared, model::ApplicationEvent};
use crate::error::{Error, Result};
use crate::time_util::now_ms;

/// Something the platform said, to store in one transaction.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) applications: Vec<Received>,
    pub(crate) tombstones: Vec<String>,
    /// The feed position after this batch (feed pages only).
    pub(crate) cursor: Option<String>,
    /// The full pass this batch belongs to, and whether it is its last page.
    pub(crate) pass: Option<(i64, bool)>,
}

impl Batch {
    /// One application as the platform sent it.
    pub(crate) fn one(received: Received) -> Self {
        Batch {
            applications: vec![received],
            ..Batch::default()
        }
    }

    /// One application the platform took out of the user's list.
    pub(crate) fn removed(application_no: String) -> Self {
        Batch {
            tombstones: vec![application_no],
            ..Batch::default()
        }
    }
}

/// Brings one application up to date from the platform (cheaply:
/// `If-None-Match` with the stored version): a newer version is stored, a
/// 404 (gone, or not this user's) removes it here too.
pub(crate) async fn refresh_one(shared: &Shared, application_no: &str) -> Result<()> {
    let key = application_no.to_owned();
    let known = shared.db.call(move |c| store::change_seq(c, &key)).await?;
    match api::application(&shared.session, application_no, known).await {
        Ok(Some(received)) => apply(shared, Batch::one(received)).await.map(drop),
        Ok(None) => Ok(()),
        Err(Error::NotFound { .. }) => apply(shared, Batch::removed(application_no.to_owned()))
            .await
            .map(drop),
        Err(e) => Err(e),
    }
}

/// What a stored batch changed.
#[derive(Default)]
pub(crate) struct Applied {
    pub(crate) changed: Vec<String>,
    pub(crate) removed: Vec<String>,
}

/// Stores a batch, then tells the watchers and raises the events of what
/// really changed.
pub(crate) async fn apply(shared: &Shared, batch: Batch) -> Result<Applied> {
    let (stored, removed) = shared
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = now_ms();
            let pass = batch.pass.map(|(pass, _)| pass);
            let mut stored = Vec::new();
            for received in &batch.applications {
                if let Upsert::Stored { previous } = store::upsert(&tx, received, pass, now)? {
                    // Only a version that replaces one can raise events.
                    let replaced = previous.map(|p| (p, received.json.clone()));
                    stored.push((received.wire.application_no.clone(), replaced));
                }
            }
            let mut removed = Vec::new();
            for no in &batch.tombstones {
                if store::remove(&tx, no)?.is_some() {
                    removed.push(no.clone());
                }
            }
            if let Some(cursor) = &batch.cursor {
                store::save_cursor(&tx, cursor, now)?;
            }
            if let Some((pass, true)) = batch.pass {
                removed.extend(store::finish_full_pass(&tx, pass, now)?);
            }
            tx.commit()?;
            Ok((stored, removed))
        })
        .await?;
    let now = now_ms();
    let mut applied = Applied {
        removed,
        ..Applied::default()
    };
    let mut events: Vec<ApplicationEvent> = Vec::new();
    for (application_no, replaced) in stored {
        // The batch is committed: a version that doesn't decode costs its
        // events, never the watchers' wake-up below.
        if let Some((previous, current)) = replaced {
            match (decode(&previous, now), decode(&current, now)) {
                (Ok(previous), Ok(current)) => events.extend(derive(&previous, &current)),
                _ => tracing::warn!("a stored application version doesn't decode; no events"),
            }
        }
        applied.changed.push(application_no);
    }
    if !applied.changed.is_empty() || !applied.removed.is_empty() {
        shared.changes.set(shared.changes.get().wrapping_add(1));
    }
    for event in events {
        // No reader is fine: events are for whoever listens now.
        let _ = shared.events.send(event);
    }
    Ok(applied)
}

/// Reads the change feed up to its end.
pub(crate) async fn sync(shared: &Shared) -> Result<ApplicationSyncReport> {
    read_feed(shared, false).await
}

/// Reads the whole feed again (the live stream said `reset`).
pub(crate) async fn full_resync(shared: &Shared) -> Result<ApplicationSyncReport> {
    read_feed(shared, true).await
}

/// Full passes one sync starts again after its cursor expired, before it
/// gives up: a feed compacted again and again under a pass would otherwise
/// keep it reading forever.
const MAX_RESTARTS: u32 = 3;

/// The cursor kept expiring. `Unavailable` (not `Conflict` or `Server`)
/// because what helps is the same as for a busy platform: try again later.
/// It counts as a network error, so the background run and the start-up
/// sync keep what they have and catch up on their next run; the pages
/// already stored stay, and the next sync starts from the stored cursor
/// (a fresh pass, should that one have expired too).
fn feed_keeps_moving(attempts: u32) -> Error {
    tracing::warn!(
        attempts,
        "the application change feed kept expiring; giving up for now"
    );
    Error::Unavailable {
        status: 410,
        attempts,
        retry_after: None,
    }
}

async fn read_feed(shared: &Shared, from_start: bool) -> Result<ApplicationSyncReport> {
    let _one_at_a_time = shared.sync_lock.lock().await;
    let mut report = ApplicationSyncReport::default();
    let mut state = shared.db.call(|c| store::sync_state(c)).await?;
    if from_start || (state.cursor.is_none() && !state.full_pass_open) {
        state = shared.db.call(|c| store::begin_full_pass(c)).await?;
    }
    report.full_resync = state.full_pass_open;
    let mut restarts = 0;
    loop {
        let page = match api::changes(&shared.session, state.cursor.as_deref()).await? {
            Changes::Page(page) => page,
            Changes::CursorExpired if state.cursor.is_some() => {
                restarts += 1;
                if restarts > MAX_RESTARTS {
                    return Err(feed_keeps_moving(restarts));
                }
                tracing::info!("application cursor expired; resyncing in full");
                state = shared.db.call(|c| store::begin_full_pass(c)).await?;
                report.full_resync = true;
                continue;
            }
            Changes::CursorExpired => {
                return Err(Error::protocol(
                    "the change feed refused a sync from the start",
                ));
            }
        };
        let last = !page.has_more;
        let applied = apply(
            shared,
            Batch {
                applications: page.applications,
                tombstones: page.tombstones,
                cursor: Some(page.next_cursor.clone()),
                pass: state.full_pass_open.then_some((state.pass, last)),
            },
        )
        .await?;
        merge(&mut report.changed, applied.changed);
        merge(&mut report.removed, applied.removed);
        state.cursor = Some(page.next_cursor);
        if last {
            return Ok(report);
        }
    }
}

/// Appends the numbers not listed yet.
fn merge(into: &mut Vec<String>, numbers: Vec<String>) {
    for no in numbers {
        if !into.contains(&no) {
            into.push(no);
        }
    }
}
