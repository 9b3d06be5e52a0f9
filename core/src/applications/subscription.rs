//! The list and one application, watched: the current value first, then
//! each value that differs from the last one delivered.
//!
//! Both re-read the store after every stored change (the store is the one
//! truth, offline too). The list also wakes when the next promised due time
//! passes, since "overdue" changes with the clock and not with any data.
//! Safe to cancel (e.g. in `select!`): each call compares what is stored
//! with what was delivered last, so a change seen by a cancelled call is
//! still delivered by the next.

use std::sync::Arc;
use std::time::Duration;

use super::model::{Application, ApplicationFilter, ApplicationSummary};
use super::{Shared, store};
use crate::events::Subscription;
use crate::time_util::now_ms;

/// Follows the list for one filter.
pub struct ApplicationListSubscription {
    shared: Arc<Shared>,
    changes: Subscription<u64>,
    filter: ApplicationFilter,
    last: Option<Vec<ApplicationSummary>>,
}

impl ApplicationListSubscription {
    pub(crate) fn new(shared: Arc<Shared>, filter: ApplicationFilter) -> Self {
        Self {
            changes: shared.changes.subscribe(),
            shared,
            filter,
            last: None,
        }
    }

    /// The list now, then the next version that differs; `None` when it
    /// can't be read any more.
    pub async fn next(&mut self) -> Option<Vec<ApplicationSummary>> {
        loop {
            let list = self.shared.list(self.filter).await.ok()?;
            if self.last.as_ref() != Some(&list) {
                self.last = Some(list.clone());
                return Some(list);
            }
            let now = now_ms();
            let next_due = self
                .shared
                .db
                .call(move |c| store::next_due_after(c, now))
                .await
                .ok()
                .flatten();
            let until_due = next_due.map_or(Duration::from_secs(24 * 3600), |due| {
                Duration::from_millis((due - now + 1).clamp(1, 24 * 3_600_000) as u64)
            });
            tokio::select! {
                changed = self.changes.next() => { changed?; }
                () = tokio::time::sleep(until_due) => {}
            }
        }
    }
}

/// Follows one application.
pub struct ApplicationSubscription {
    shared: Arc<Shared>,
    changes: Subscription<u64>,
    application_no: String,
    last: Option<Option<Application>>,
}

impl ApplicationSubscription {
    pub(crate) fn new(shared: Arc<Shared>, application_no: String) -> Self {
        Self {
            changes: shared.changes.subscribe(),
            shared,
            application_no,
            last: None,
        }
    }

    /// The application now (`None` inside when this device does not hold
    /// it), then each new version; `None` when it can't be read any more.
    pub async fn next(&mut self) -> Option<Option<Application>> {
        loop {
            let current = self.shared.stored(&self.application_no).await.ok()?;
            if self.last.as_ref() != Some(&current) {
                self.last = Some(current.clone());
                return Some(current);
            }
            let until_due = current
                .as_ref()
                .filter(|a| !a.overdue)
                .and_then(|a| a.promised_due_at_ms)
                .map(|due| due - now_ms() + 1)
                .filter(|ms| *ms > 0)
                .map_or(Duration::from_secs(24 * 3600), |ms| {
                    Duration::from_millis(ms.min(24 * 3_600_000) as u64)
                });
            tokio::select! {
                changed = self.changes.next() => { changed?; }
                () = tokio::time::sleep(until_due) => {}
            }
        }
    }
}
