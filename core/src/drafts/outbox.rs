//! The submission outbox: a submitted draft waits here, in the personal
//! database, until the platform answers with an application number. It is
//! sent at once when online, retried with back-off, tried again when the
//! network returns (the shell calls `network_available`, or any request
//! finds the platform again) and when the app restarts. Every attempt
//! carries the same Idempotency-Key, so however many reach the platform,
//! exactly one application exists.
//!
//! A supplement answer (`supplement/`) waits in the same outbox and goes
//! to its application's supplement endpoint; the platform's 409 (the
//! request is no longer open) supersedes it.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::DraftsShared;
use super::api::{self, SubmitAnswer};
use super::model::{DraftState, OutboxStatus};
use super::store;
use super::supplement;
use crate::error::{Error, Result};
use crate::events::Connectivity;
use crate::time_util::now_ms;

/// Back-off after the n-th failed attempt: 1 s, 2 s, 4 s … at most 60 s.
fn backoff(attempts: u32) -> Duration {
    Duration::from_millis(1000u64.saturating_mul(1 << attempts.min(6))).min(Duration::from_secs(60))
}

/// Starts the sender for this user's outbox (once per `DraftsShared`). It
/// stops by itself when the drafts handle is gone.
pub(crate) fn start(shared: &Arc<DraftsShared>) {
    let weak = Arc::downgrade(shared);
    let mut connectivity = shared.http.connectivity().subscribe();
    tokio::spawn(async move {
        loop {
            let Some(shared) = weak.upgrade() else { return };
            if shared.retry_now.swap(false, Ordering::SeqCst)
                && let Err(e) = shared.db.call(|c| store::due_now(c)).await
            {
                tracing::warn!(error = %e, "cannot reschedule the outbox");
            }
            let next = match deliver_due(&shared).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox pass failed");
                    Some(now_ms() + 5_000)
                }
            };
            // Watchers see what a previous run left queued, from the start.
            if let Ok(status) = status(&shared).await {
                shared.outbox.set(status);
            }
            let kick = shared.kick.clone();
            drop(shared);
            let sleep = match next {
                Some(at) => Duration::from_millis((at - now_ms()).max(0) as u64),
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
            if Weak::strong_count(&weak) == 0 {
                return;
            }
        }
    });
}

/// Sends everything due; returns when the next attempt is due, if any.
async fn deliver_due(shared: &DraftsShared) -> Result<Option<i64>> {
    let due = shared.db.call(|c| store::due(c, now_ms())).await?;
    for item in due {
        let answer = match &item.supplement_of {
            Some(application_no) => {
                api::submit_supplement(
                    &shared.session,
                    application_no,
                    &item.idempotency_key,
                    &item.body,
                )
                .await
            }
            None => api::submit(&shared.session, &item.idempotency_key, &item.body).await,
        };
        let id = item.id;
        let draft_id = item.draft_id.clone();
        match answer {
            Ok(SubmitAnswer::Accepted(accepted)) => {
                shared
                    .db
                    .call(move |c| {
                        let tx = c.transaction()?;
                        let state = DraftState::Submitted {
                            application_no: accepted.application_no,
                        };
                        store::set_state(&tx, &draft_id, &state, &[], None)?;
                        store::dequeue(&tx, id)?;
                        tx.commit()?;
                        Ok(())
                    })
                    .await?;
            }
            Ok(SubmitAnswer::Refused(errors)) => {
                // The platform's own checks found problems: the draft goes
                // back to editing with them, and nothing more is sent.
                shared
                    .db
                    .call(move |c| {
                        let tx = c.transaction()?;
                        store::set_state(&tx, &draft_id, &DraftState::Editing, &errors, None)?;
                        store::dequeue(&tx, id)?;
                        tx.commit()?;
                        Ok(())
                    })
                    .await?;
            }
            Err(e) if retryable(&e) => {
                let next = now_ms() + backoff(item.attempts).as_millis() as i64;
                let reason = e.to_string();
                shared
                    .db
                    .call(move |c| store::postpone(c, id, next, &reason))
                    .await?;
            }
            Err(e) => {
                // Refused for good (e.g. signed out, or the key reused with
                // another body): back to editing, with the reason.
                let reason = e.to_string();
                // A supplement answer to a request that is no longer open
                // can never be taken: it is superseded, not retried.
                let supersede = item.supplement_of.is_some() && matches!(e, Error::Conflict { .. });
                tracing::warn!(error = %reason, "submission refused");
                if matches!(e, Error::Unauthorized | Error::SessionExpired { .. }) {
                    let next = now_ms() + backoff(item.attempts).as_millis() as i64;
                    let reason = e.to_string();
                    shared
                        .db
                        .call(move |c| store::postpone(c, id, next, &reason))
                        .await?;
                } else {
                    shared
                        .db
                        .call(move |c| {
                            let tx = c.transaction()?;
                            let state = DraftState::Editing;
                            store::set_state(&tx, &draft_id, &state, &[], Some(&reason))?;
                            if supersede {
                                supplement::store::mark_superseded(&tx, &draft_id)?;
                            }
                            store::dequeue(&tx, id)?;
                            tx.commit()?;
                            Ok(())
                        })
                        .await?;
                }
            }
        }
        shared.changed().await;
    }
    let (_, _, next) = shared.db.call(|c| store::outbox_status(c)).await?;
    Ok(next)
}

/// Worth trying again later: no network, a timeout, a busy or failing platform.
fn retryable(e: &Error) -> bool {
    e.is_network()
        || matches!(e, Error::Server { status, .. } if *status >= 500)
        || matches!(e, Error::Protocol { .. })
}

pub(crate) async fn status(shared: &DraftsShared) -> Result<OutboxStatus> {
    let (pending, last_error, next) = shared.db.call(|c| store::outbox_status(c)).await?;
    Ok(OutboxStatus {
        pending,
        last_error,
        next_attempt_at_ms: next,
    })
}
