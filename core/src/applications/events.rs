//! The events that need the user, derived by comparing an application's
//! stored version with the newer one that replaces it, and the stream the
//! app reads them from (to raise a local notification).
//!
//! Only a stored version that really changed produces events, so a change
//! seen twice (live stream and cursor sync, a replay, a push) raises its
//! events once. An application seen for the first time raises none: the
//! first sync of a device must not notify about the whole history.

use tokio::sync::broadcast;

use super::model::{
    Application, ApplicationEvent, ApplicationStatus, DecisionOutcome, NeededAction,
};

/// How many events a slow reader may fall behind before it skips ahead.
pub(crate) const EVENT_BUFFER: usize = 256;

/// The events of `previous` becoming `current`.
pub(crate) fn derive(previous: &Application, current: &Application) -> Vec<ApplicationEvent> {
    let mut events = Vec::new();
    let (from, to) = (previous.status, current.status);
    let no = || current.application_no.clone();
    let name = || current.guide_name.clone();
    if from != to {
        events.push(ApplicationEvent::StatusChanged {
            application_no: no(),
            from,
            to,
        });
    }
    // Entering supplement_required, or a second request while one was
    // open: a new list to answer.
    let request_seq = |app: &Application| app.supplement.as_ref().map(|s| s.request_seq);
    if to == ApplicationStatus::SupplementRequired
        && (from != to || request_seq(previous) != request_seq(current))
    {
        events.push(ApplicationEvent::SupplementRequired {
            application_no: no(),
            guide_name: name(),
            materials: current
                .supplement
                .as_ref()
                .map(|s| s.materials.clone())
                .unwrap_or_default(),
        });
    }
    if from != to {
        match to {
            ApplicationStatus::Completed => events.push(ApplicationEvent::Completed {
                application_no: no(),
                guide_name: name(),
                outcome: current.decision.as_ref().map(|d| d.outcome),
            }),
            ApplicationStatus::Delivered => events.push(ApplicationEvent::Delivered {
                application_no: no(),
                guide_name: name(),
                delivery: current.delivery.clone(),
            }),
            _ => {}
        }
    }
    if fee_due(current) && !fee_due(previous) {
        events.push(ApplicationEvent::FeeDue {
            application_no: no(),
            guide_name: name(),
            amount_fen: current.fee.as_ref().map_or(0, |f| f.amount_fen),
        });
    }
    events
}

/// An approval whose fee is unpaid.
fn fee_due(app: &Application) -> bool {
    app.needs_action == Some(NeededAction::Fee)
        || (app.decision.as_ref().map(|d| d.outcome) == Some(DecisionOutcome::Approved)
            && app.fee.as_ref().is_some_and(|f| f.paid_at_ms.is_none()))
}

/// The events of the signed-in user's applications, from the moment the
/// stream was made. A reader that falls far behind skips the oldest ones
/// (local notifications of a stale state help nobody).
pub struct ApplicationEventStream {
    receiver: broadcast::Receiver<ApplicationEvent>,
}

impl ApplicationEventStream {
    pub(crate) fn new(receiver: broadcast::Receiver<ApplicationEvent>) -> Self {
        Self { receiver }
    }

    /// The next event; `None` once the applications handle is gone.
    pub async fn next(&mut self) -> Option<ApplicationEvent> {
        loop {
            match self.receiver.recv().await {
                Ok(event) => return Some(event),
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::debug!(skipped, "application events skipped by a slow reader");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
