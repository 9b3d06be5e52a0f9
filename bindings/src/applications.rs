//! `BstApplications` (`client.applications()`): the signed-in user's
//! submitted applications (办件) and where each stands — the list with its
//! filters, one application with its timeline and deadlines, both readable
//! offline; withdrawing; answering a supplement request; the push hint and
//! the background run; and the subscriptions a screen holds: the list, one
//! application, the live connection's state and the events that need the
//! user (for a local notification). Thin like `BstDrafts`: each method is
//! the core's, on our runtime, with its error made a `BstError`. The
//! records (`ApplicationSummary`, `Application`, `ApplicationEvent`,
//! `LiveState`, `PushOutcome`, …) are core's.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use banshitong_core::applications::{
    Application, ApplicationEvent, ApplicationEventStream, ApplicationFilter,
    ApplicationListSubscription, ApplicationSubscription, ApplicationSummary,
    ApplicationSyncReport, Applications, BackgroundSyncReport, LiveSettings, LiveState,
    PushIgnoredReason, PushOutcome, SupplementOutcome,
};
use banshitong_core::drafts::Draft;
use banshitong_core::{Client, Error as CoreError};

use crate::error::BstError;
use crate::runtime::run;
use crate::subscription::{SubscriptionHandle, Updates, forward};

/// Told of the application list under one filter: the list now, then after
/// each change (a sync, a live event, a withdrawal).
#[uniffi::export(with_foreign)]
pub trait ApplicationListListener: Send + Sync {
    fn on_applications(&self, applications: Vec<ApplicationSummary>) -> Result<(), BstError>;
}

/// Told of one application: as it stands now, then each new state; `None`
/// when this device does not hold it (not synced yet, or gone from the
/// user's list).
#[uniffi::export(with_foreign)]
pub trait ApplicationListener: Send + Sync {
    fn on_application(&self, application: Option<Application>) -> Result<(), BstError>;
}

/// Told of the live connection: its state now, then each change.
#[uniffi::export(with_foreign)]
pub trait LiveStateListener: Send + Sync {
    fn on_live_state(&self, state: LiveState) -> Result<(), BstError>;
}

/// Told of each change that needs the user (a supplement to give, a fee to
/// pay, the application completed or delivered) and of each status change,
/// once each, as they happen: the app raises a local notification.
#[uniffi::export(with_foreign)]
pub trait ApplicationEventListener: Send + Sync {
    fn on_event(&self, event: ApplicationEvent) -> Result<(), BstError>;
}

#[derive(uniffi::Object)]
pub struct BstApplications {
    core: Applications,
}

impl BstApplications {
    pub(crate) fn new(core: Applications) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

// As in drafts.rs: each async method runs the core's future as a task on our
// runtime, so the foreign executor only polls its handle and a panic comes
// back as an error.
#[uniffi::export]
impl BstApplications {
    /// Brings the device's copy up to date with the platform (only what
    /// changed since the last sync; everything again when the platform no
    /// longer knows our place).
    pub async fn sync(&self) -> Result<ApplicationSyncReport, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.sync().await?) }).await
    }

    /// The applications on this device under `filter`, no network.
    pub async fn list(
        &self,
        filter: ApplicationFilter,
    ) -> Result<Vec<ApplicationSummary>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.list(filter).await?) }).await
    }

    /// One application from this device, no network; `NotFound` when it
    /// does not hold it.
    pub async fn get(&self, application_no: String) -> Result<Application, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.get(&application_no).await?) }).await
    }

    /// One application fetched from the platform (and stored), for a detail
    /// screen opened with the network up.
    pub async fn refresh(&self, application_no: String) -> Result<Application, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.refresh(&application_no).await?) }).await
    }

    /// Withdraws the application (撤回) where its status allows it
    /// (`can_withdraw`); otherwise `Conflict`. A retry is harmless.
    pub async fn withdraw(
        &self,
        application_no: String,
        reason: Option<String>,
    ) -> Result<Application, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.withdraw(&application_no, reason).await?) }).await
    }

    /// A draft that answers the open supplement request: one material slot
    /// per requested material, filled like any draft's (`BstDrafts`,
    /// `BstMaterials`), then sent with `submit_supplement`.
    pub async fn start_supplement(&self, application_no: String) -> Result<Draft, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.start_supplement(&application_no).await?) }).await
    }

    /// Queues the answer in the outbox, as a submission is: pressing again
    /// never sends a second answer.
    pub async fn submit_supplement(&self, draft_id: String) -> Result<SupplementOutcome, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.submit_supplement(&draft_id).await?) }).await
    }

    /// For the app's FCM / APNs handler: the data message as its flat string
    /// map. A hint only — ours and for the signed-in user, it runs a sync and
    /// says what changed; malformed or another user's, it is ignored with
    /// the reason. Never fails.
    pub async fn handle_push(&self, payload: HashMap<String, String>) -> PushOutcome {
        let core = self.core.clone();
        never_throws(run(async move { Ok(core.handle_push(payload).await) }).await)
    }

    /// For Android WorkManager and iOS background refresh: syncs within
    /// `budget`, then stops cleanly.
    pub async fn background_sync(
        &self,
        budget: Duration,
    ) -> Result<BackgroundSyncReport, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.background_sync(budget).await?) }).await
    }

    /// The app came to the foreground (true: sync now and keep the live
    /// connection open) or left it (false: close it).
    pub fn set_foreground(&self, foreground: bool) {
        // The live connection runs on the runtime the handle was opened on: ours.
        self.core.set_foreground(foreground);
    }

    /// The live connection's timing (heartbeat timeout, back-off); the
    /// defaults suit the platform's 15-second heartbeat.
    pub fn set_live_settings(&self, settings: LiveSettings) {
        self.core.set_live_settings(settings);
    }

    /// For the app's network callback (ConnectivityManager, NWPathMonitor):
    /// a live connection waiting to retry tries now.
    pub fn network_available(&self) {
        self.core.network_available();
    }

    /// Calls `listener` with the list under `filter` now, then after each
    /// change, until the handle is cancelled or dropped.
    pub fn watch_list(
        &self,
        filter: ApplicationFilter,
        listener: Arc<dyn ApplicationListListener>,
    ) -> Arc<SubscriptionHandle> {
        forward(
            ListUpdates(self.core.watch_list(filter)),
            move |applications| listener.on_applications(applications),
        )
    }

    /// Calls `listener` with the application now (`None` if this device
    /// does not hold it), then with each new state, until the handle is
    /// cancelled or dropped.
    pub fn watch(
        &self,
        application_no: String,
        listener: Arc<dyn ApplicationListener>,
    ) -> Arc<SubscriptionHandle> {
        forward(
            OneUpdates(self.core.watch(&application_no)),
            move |application| listener.on_application(application),
        )
    }

    /// Calls `listener` with the live connection's state now, then with each
    /// change (`Off`, `Connecting`, `Live`, `Retrying`).
    pub fn watch_live(&self, listener: Arc<dyn LiveStateListener>) -> Arc<SubscriptionHandle> {
        forward(self.core.watch_live(), move |state| {
            listener.on_live_state(state)
        })
    }

    /// Calls `listener` with each event from now on (none for the past),
    /// until the handle is cancelled or dropped.
    pub fn events(&self, listener: Arc<dyn ApplicationEventListener>) -> Arc<SubscriptionHandle> {
        forward(Events(self.core.events()), move |event| {
            listener.on_event(event)
        })
    }
}

/// `BstClient::handle_push`: the signed-in user's `handle_push`, or the
/// reason there is none. Never fails, as a push handler needs.
pub(crate) async fn push_for_whoever_is_signed_in(
    client: Client,
    payload: HashMap<String, String>,
) -> PushOutcome {
    never_throws(
        run(async move {
            match client.applications().await {
                Ok(applications) => Ok(applications.handle_push(payload).await),
                // Checked before the payload: with nobody here, whatever it
                // says is not for this device now.
                Err(CoreError::Unauthorized | CoreError::SessionExpired { .. }) => {
                    Ok(PushOutcome::Ignored {
                        reason: PushIgnoredReason::SignedOut,
                    })
                }
                Err(e) => Ok(PushOutcome::SyncFailed {
                    message: e.to_string(),
                }),
            }
        })
        .await,
    )
}

/// A push outcome even when the core panicked (`run`'s only error here):
/// the next sync catches up, and the app's handler never sees a throw.
fn never_throws(handled: Result<PushOutcome, BstError>) -> PushOutcome {
    handled.unwrap_or_else(|e| PushOutcome::SyncFailed {
        message: e.to_string(),
    })
}

struct ListUpdates(ApplicationListSubscription);

impl Updates for ListUpdates {
    type Item = Vec<ApplicationSummary>;
    fn next(&mut self) -> impl Future<Output = Option<Self::Item>> + Send {
        self.0.next()
    }
}

struct OneUpdates(ApplicationSubscription);

impl Updates for OneUpdates {
    type Item = Option<Application>;
    fn next(&mut self) -> impl Future<Output = Option<Self::Item>> + Send {
        self.0.next()
    }
}

struct Events(ApplicationEventStream);

impl Updates for Events {
    type Item = ApplicationEvent;
    fn next(&mut self) -> impl Future<Output = Option<ApplicationEvent>> + Send {
        self.0.next()
    }
}
