//! Answering a supplement request (补正) from the applications side: the
//! answer itself is a draft of the drafts machinery (`drafts/supplement/`),
//! so materials are attached, uploaded and checked as for an application,
//! and it goes out through the same persisted outbox with one idempotency
//! key. This module turns the stored request into that draft, and brings
//! the application up to date once the platform has taken the answer.

use std::sync::Arc;
use std::time::Duration;

use super::model::{ApplicationStatus, SupplementOutcome};
use super::sync;
use super::{Shared, not_found};
use crate::drafts::{Draft, DraftState, SubmitOutcome, SupplementDraftRequest, SupplementSlot};
use crate::error::{Error, Result};

/// How long after sending an answer the application is refreshed as soon
/// as the outbox delivers it; later, the next sync brings the new status.
const FOLLOW_ANSWER_FOR: Duration = Duration::from_secs(300);

/// The draft answering the application's open supplement request (the
/// same draft when started again).
pub(crate) async fn start(shared: &Shared, application_no: &str) -> Result<Draft> {
    // The newest request when the platform can be reached; the stored one
    // (offline) otherwise: the answer can be prepared without a network.
    match sync::refresh_one(shared, application_no).await {
        Ok(()) => {}
        Err(e) if e.is_network() => {}
        Err(e) => return Err(e),
    }
    let app = shared.stored(application_no).await?;
    let app = app.ok_or_else(|| not_found(application_no))?;
    let request = match (&app.status, &app.supplement) {
        (ApplicationStatus::SupplementRequired, Some(request)) => request.clone(),
        _ => {
            return Err(Error::Conflict {
                message: format!(
                    "application {application_no} is {} and has no open supplement request",
                    app.status.as_str()
                ),
            });
        }
    };
    shared
        .drafts
        .start_supplement(SupplementDraftRequest {
            application_no: app.application_no.clone(),
            request_seq: request.request_seq,
            guide_code: app.guide_code.clone(),
            guide_name: app.guide_name.clone(),
            comment: request.comment.clone(),
            slots: request
                .materials
                .iter()
                .map(|m| SupplementSlot {
                    key: m.key.clone(),
                    name: m.name.clone(),
                    reason: m.reason.clone().unwrap_or_default(),
                })
                .collect(),
        })
        .await
}

/// Queues the answer; once the outbox has delivered it, the application
/// is refreshed (it is `under_review` then).
pub(crate) async fn submit(shared: &Arc<Shared>, draft_id: &str) -> Result<SupplementOutcome> {
    let answered = shared
        .drafts
        .supplement(draft_id.to_owned())
        .await?
        .ok_or_else(|| Error::invalid_input("this draft does not answer a supplement request"))?;
    let application_no = answered.request.application_no.clone();
    let outcome = match shared.drafts.submit(draft_id.to_owned()).await? {
        SubmitOutcome::Invalid { errors } => return Ok(SupplementOutcome::Invalid { errors }),
        SubmitOutcome::Queued => SupplementOutcome::Queued,
        SubmitOutcome::AlreadySubmitted { .. } => SupplementOutcome::AlreadySent {
            application_no: application_no.clone(),
        },
    };
    follow_delivery(shared, draft_id.to_owned(), application_no);
    Ok(outcome)
}

/// Waits (for a while) until the outbox has delivered the answer, then
/// reads the application again.
fn follow_delivery(shared: &Arc<Shared>, draft_id: String, application_no: String) {
    let shared = shared.clone();
    shared.runtime.clone().spawn(async move {
        let mut draft = shared.drafts.watch_draft(draft_id);
        let delivered = tokio::time::timeout(FOLLOW_ANSWER_FOR, async {
            while let Some(d) = draft.next().await {
                match d.state {
                    DraftState::Submitted { .. } => return true,
                    // Refused (e.g. superseded): back to editing.
                    DraftState::Editing => return false,
                    DraftState::Submitting => {}
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        if !delivered {
            return;
        }
        if let Err(e) = sync::refresh_one(&shared, &application_no).await {
            tracing::info!(error = %e, "the answered application was not refreshed");
        }
    });
}
