//! The user's applications and where each one stands (办件进度):
//! `client.applications()`. Decision 0005 is the contract.
//!
//! - `wire.rs`: the platform's application object and its decoding.
//! - `store.rs`: the applications in the personal (encrypted) database, so
//!   the list and the detail read offline; the change-feed cursor.
//! - `sync.rs`: cursor sync of the change feed (410 → full resync), and the
//!   one place where what the platform says reaches the store.
//! - `events.rs`: what needs the user (supplement, fee, completed,
//!   delivered), raised once per change for local notifications.
//! - `live.rs` + `sse.rs`: the Server-Sent Events connection while the app
//!   is in the foreground, reconnecting with back-off and `Last-Event-ID`.
//! - `push.rs`: a push notification's data message as a sync hint.
//! - `subscription.rs`: the list and one application, watched.
//! - `supplement.rs`: answering a supplement request through the drafts
//!   machinery (attach, upload, send through the outbox).
//! - `background.rs`: one bounded run for the native schedulers.

mod api;
mod background;
mod events;
mod live;
pub mod model;
mod push;
mod sse;
mod store;
mod subscription;
mod supplement;
mod sync;
mod wire;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

pub use self::events::ApplicationEventStream;
pub use self::live::LiveSettings;
pub use self::model::{
    Application, ApplicationEvent, ApplicationFilter, ApplicationStatus, ApplicationSummary,
    ApplicationSyncReport, BackgroundSyncReport, Deadlines, Decision, DecisionOutcome, Delivery,
    Fee, FeeItem, LiveState, NeededAction, PushIgnoredReason, PushOutcome, RequestedMaterial,
    SupplementOutcome, SupplementRequest, TimelineEntry, TimelineKind,
};
pub use self::subscription::{ApplicationListSubscription, ApplicationSubscription};
use crate::auth::session::Session;
use crate::drafts::{Draft, Drafts};
use crate::error::{Error, Result};
use crate::events::{Subscription, Watched};
use crate::materials::Materials;
use crate::store::Database;
use crate::time_util::now_ms;

/// The signed-in user's applications on this device; cheap to clone.
#[derive(Clone)]
pub struct Applications {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    user_id: String,
    db: Database,
    session: Arc<Session>,
    drafts: Drafts,
    materials: Materials,
    /// Where the live connection runs: `set_foreground` may be called from
    /// any thread of the host app.
    runtime: tokio::runtime::Handle,
    /// Bumped after every stored change, for the watchers.
    changes: Watched<u64>,
    events: broadcast::Sender<ApplicationEvent>,
    /// One cursor sync at a time: two would race for the cursor.
    sync_lock: tokio::sync::Mutex<()>,
    live: live::Live,
}

impl Shared {
    /// Whether the session still speaks for this user: after a sign-out, or
    /// another account signing in, nothing of this user's goes out or comes in.
    fn speaks_for_user(&self) -> bool {
        self.session.signed_in_user().as_deref() == Some(self.user_id.as_str())
    }

    async fn stored(&self, application_no: &str) -> Result<Option<Application>> {
        let key = application_no.to_owned();
        let body = self.db.call(move |c| store::get(c, &key)).await?;
        body.map(|b| wire::decode(&b, now_ms())).transpose()
    }

    async fn list(&self, filter: ApplicationFilter) -> Result<Vec<ApplicationSummary>> {
        let bodies = self.db.call(move |c| store::list(c, filter)).await?;
        let now = now_ms();
        bodies
            .iter()
            .map(|b| wire::decode(b, now).map(|a| a.summary()))
            .collect()
    }
}

impl Applications {
    pub(crate) fn open_for(
        user_id: String,
        db: Database,
        session: Arc<Session>,
        drafts: Drafts,
        materials: Materials,
    ) -> Self {
        let (events, _) = broadcast::channel(events::EVENT_BUFFER);
        Self {
            shared: Arc::new(Shared {
                user_id,
                db,
                session,
                drafts,
                materials,
                runtime: tokio::runtime::Handle::current(),
                changes: Watched::new(0),
                events,
                sync_lock: tokio::sync::Mutex::new(()),
                live: live::Live::new(),
            }),
        }
    }

    pub(crate) fn user_id(&self) -> &str {
        &self.shared.user_id
    }

    pub(crate) fn database(&self) -> &Database {
        &self.shared.db
    }

    /// Reads the platform's change feed from where the last sync stopped
    /// (all of it the first time, or when the platform says the cursor is
    /// too old) into the personal database.
    pub async fn sync(&self) -> Result<ApplicationSyncReport> {
        if !self.shared.speaks_for_user() {
            return Err(Error::Unauthorized);
        }
        sync::sync(&self.shared).await
    }

    /// The applications held on this device (no network), the most
    /// recently changed first.
    pub async fn list(&self, filter: ApplicationFilter) -> Result<Vec<ApplicationSummary>> {
        self.shared.list(filter).await
    }

    /// One application as held on this device (no network).
    pub async fn get(&self, application_no: &str) -> Result<Application> {
        self.shared
            .stored(application_no)
            .await?
            .ok_or_else(|| not_found(application_no))
    }

    /// Asks the platform for one application (cheaply: `If-None-Match`),
    /// stores it and returns it. Gone on the platform: removed here too.
    pub async fn refresh(&self, application_no: &str) -> Result<Application> {
        sync::refresh_one(&self.shared, application_no).await?;
        self.get(application_no).await
    }

    /// The list for `filter`: now, then after every change (and when an
    /// application becomes overdue as time passes).
    pub fn watch_list(&self, filter: ApplicationFilter) -> ApplicationListSubscription {
        ApplicationListSubscription::new(self.shared.clone(), filter)
    }

    /// One application: now (`None` when not held), then each new version.
    pub fn watch(&self, application_no: &str) -> ApplicationSubscription {
        ApplicationSubscription::new(self.shared.clone(), application_no.to_owned())
    }

    /// What needs the user (supplement required, fee due, completed,
    /// delivered) and every status change, from now on: for local
    /// notifications.
    pub fn events(&self) -> ApplicationEventStream {
        ApplicationEventStream::new(self.shared.events.subscribe())
    }

    /// The app came to the foreground (`true`): sync now and keep a live
    /// connection; went to the background (`false`): close it.
    pub fn set_foreground(&self, foreground: bool) {
        live::set_wanted(&self.shared, foreground);
    }

    /// The live connection's state: now, then each change.
    pub fn watch_live(&self) -> Subscription<LiveState> {
        self.shared.live.state.subscribe()
    }

    /// Timing of the live connection (heartbeat timeout, back-off); the
    /// defaults suit the platform's 15-second heartbeat.
    pub fn set_live_settings(&self, settings: LiveSettings) {
        self.shared.live.set_settings(settings);
    }

    /// The shell's network callback (Android ConnectivityManager, iOS
    /// NWPathMonitor): a waiting live connection tries again now.
    pub fn network_available(&self) {
        self.shared.live.retry_now();
    }

    /// A push notification's data message (FCM/APNs): when it is ours and
    /// for the signed-in user, syncs and says what changed. Never fails:
    /// anything else is ignored with a reason.
    pub async fn handle_push(&self, payload: HashMap<String, String>) -> PushOutcome {
        push::handle(&self.shared, &payload).await
    }

    /// Withdraws an application (撤回) where its status allows it; a status
    /// that does not is `Error::Conflict` naming what is allowed.
    pub async fn withdraw(
        &self,
        application_no: &str,
        reason: Option<String>,
    ) -> Result<Application> {
        let received =
            api::withdraw(&self.shared.session, application_no, reason.as_deref()).await?;
        sync::apply(&self.shared, sync::Batch::one(received)).await?;
        self.get(application_no).await
    }

    /// A draft answering the open supplement request: one material slot
    /// per requested material. Fill it with `client.drafts()` /
    /// `client.materials()` like any draft, then `submit_supplement`.
    pub async fn start_supplement(&self, application_no: &str) -> Result<Draft> {
        supplement::start(&self.shared, application_no).await
    }

    /// Sends a supplement answer through the outbox (idempotent: pressing
    /// send again, or a retry after a cut connection, sends it once).
    pub async fn submit_supplement(&self, draft_id: &str) -> Result<SupplementOutcome> {
        supplement::submit(&self.shared, draft_id).await
    }

    /// For the native background schedulers: sends what the outbox holds,
    /// resumes uploads and syncs the applications, stopping within `budget`.
    pub async fn background_sync(&self, budget: Duration) -> Result<BackgroundSyncReport> {
        background::run(&self.shared, budget).await
    }
}

fn not_found(application_no: &str) -> Error {
    Error::NotFound {
        what: format!("application {application_no}"),
    }
}

/// Lock helper that survives a poisoned mutex (a panic elsewhere must not
/// stop the live connection's bookkeeping).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
