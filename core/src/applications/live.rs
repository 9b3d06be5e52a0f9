//! The live connection: `GET /api/v1/events` (Server-Sent Events) while the
//! app is in the foreground.
//!
//! - Every (re)connect is followed by a cursor sync, so whatever changed
//!   while the connection was down is read from the feed: nothing is missed
//!   even if the stream's replay is not enough (or the process restarted).
//! - `Last-Event-ID` asks the platform to replay what came after the last
//!   event seen; an event not newer than the stored row changes nothing, so
//!   replays and doubles are harmless.
//! - No bytes for `heartbeat_timeout` (three heartbeats) means the
//!   connection died silently (a phone switching networks): reconnect.
//! - Failures back off from 1 s, doubling to 60 s, with jitter, so phones
//!   coming back together do not reconnect in step. The network callback
//!   (`network_available`) skips the wait.
//! - The stream ends when the access token expires; the reconnect goes out
//!   with a fresh one (the session refreshes it).
//! - Signing out, or another account signing in, closes it at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use rand::Rng;
use reqwest::{Method, header};
use serde::Deserialize;
use tokio::sync::Notify;

use super::model::LiveState;
use super::sse::{SseEvent, SseParser};
use super::sync::{self, Batch};
use super::wire::Received;
use super::{Shared, lock};
use crate::error::Error;
use crate::events::Watched;
use crate::time_util::now_ms;

/// A stream outlives any ordinary request timeout: it ends when the token
/// expires, when the app goes to the background, or on a heartbeat timeout.
const STREAM_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Timing of the live connection.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSettings {
    /// No bytes (not even a heartbeat) for this long: the connection is dead.
    pub heartbeat_timeout: Duration,
    /// The first wait after a failure; doubled for each further failure.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            // Three of the platform's 15-second heartbeats.
            heartbeat_timeout: Duration::from_secs(45),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl LiveSettings {
    /// The wait before attempt `attempt + 1` ("equal jitter": at least half
    /// the ceiling, so waits still grow).
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .min_backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(self.max_backoff);
        let half = ceiling / 2;
        half + Duration::from_millis(rand::rng().random_range(0..=half.as_millis() as u64))
    }
}

/// The live connection's controls and state, kept in `Shared`.
pub(crate) struct Live {
    pub(crate) state: Watched<LiveState>,
    wanted: Watched<bool>,
    settings: Mutex<LiveSettings>,
    retry_now: Notify,
    task_started: AtomicBool,
    /// The id of the last event seen, for `Last-Event-ID`.
    last_event_id: Mutex<Option<String>>,
}

impl Live {
    pub(crate) fn new() -> Self {
        Self {
            state: Watched::new(LiveState::Off),
            wanted: Watched::new(false),
            settings: Mutex::new(LiveSettings::default()),
            retry_now: Notify::new(),
            task_started: AtomicBool::new(false),
            last_event_id: Mutex::new(None),
        }
    }

    pub(crate) fn set_settings(&self, settings: LiveSettings) {
        *lock(&self.settings) = settings;
    }

    fn settings(&self) -> LiveSettings {
        lock(&self.settings).clone()
    }

    pub(crate) fn retry_now(&self) {
        self.retry_now.notify_one();
    }
}

/// Wants the connection up (foreground) or down (background). The task
/// that keeps it is started on first use and runs while the handle lives.
pub(crate) fn set_wanted(shared: &Arc<Shared>, wanted: bool) {
    shared.live.wanted.set(wanted);
    if wanted && !shared.live.task_started.swap(true, Ordering::SeqCst) {
        shared.runtime.spawn(keep_connected(Arc::downgrade(shared)));
    }
    if wanted {
        shared.live.retry_now();
    }
}

/// Why a connection ended.
enum Ended {
    /// Not wanted any more (background, sign-out, another account).
    Stopped,
    /// The session can't be used: wait for a sign-in.
    SignedOut,
    /// Dropped, refused or silent: try again after a back-off.
    Failed(String),
}

async fn keep_connected(weak: Weak<Shared>) {
    let mut attempt: u32 = 0;
    loop {
        let Some(shared) = weak.upgrade() else { return };
        if !wanted_for_user(&shared) {
            shared.live.state.set(LiveState::Off);
            attempt = 0;
            drop(shared);
            if !until(&weak, wanted_for_user).await {
                return;
            }
            continue;
        }
        shared.live.state.set(LiveState::Connecting);
        let mut connected = false;
        match connect_and_follow(&shared, &mut connected).await {
            Ended::Stopped => continue,
            Ended::SignedOut => {
                // Until the session changes (a new sign-in, or a sign-out
                // that turns the connection off for good).
                shared.live.state.set(LiveState::Off);
                attempt = 0;
                let session_now = shared.session.state().get();
                drop(shared);
                let mut session = match weak.upgrade() {
                    Some(shared) => shared.session.state().subscribe(),
                    None => return,
                };
                while let Some(state) = session.next().await {
                    if state != session_now {
                        break;
                    }
                }
                continue;
            }
            Ended::Failed(reason) => {
                tracing::debug!(reason, "live connection ended");
                if connected {
                    attempt = 0;
                }
            }
        }
        attempt += 1;
        let wait = shared.live.settings().backoff(attempt);
        shared.live.state.set(LiveState::Retrying {
            attempt,
            retry_at_ms: now_ms() + wait.as_millis() as i64,
        });
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shared.live.retry_now.notified() => {}
            () = until_unwanted(&shared) => {}
        }
    }
}

/// Whether the connection is wanted and the session is this user's.
fn wanted_for_user(shared: &Shared) -> bool {
    shared.live.wanted.get() && shared.speaks_for_user()
}

/// Waits until `done` holds, checked again after every change of "wanted"
/// and of the session; false when the handle is gone. The subscriptions
/// are taken before the first check, so a change between the check and
/// the wait is not missed. Holds no strong reference while waiting, so a
/// dropped handle ends the task.
async fn until(weak: &Weak<Shared>, done: fn(&Shared) -> bool) -> bool {
    let (mut wanted, mut session) = match weak.upgrade() {
        Some(shared) => (
            shared.live.wanted.subscribe(),
            shared.session.state().subscribe(),
        ),
        None => return false,
    };
    // The first `next` of each is the current value.
    if wanted.next().await.is_none() || session.next().await.is_none() {
        return false;
    }
    loop {
        match weak.upgrade() {
            Some(shared) if done(&shared) => return true,
            Some(_) => {}
            None => return false,
        }
        let alive = tokio::select! {
            w = wanted.next() => w.is_some(),
            s = session.next() => s.is_some(),
        };
        if !alive {
            return false;
        }
    }
}

/// Returns once the connection is no longer wanted for this user.
async fn until_unwanted(shared: &Arc<Shared>) {
    until(&Arc::downgrade(shared), |s| !wanted_for_user(s)).await;
}

/// One connection: connects, syncs, applies events until it ends.
async fn connect_and_follow(shared: &Arc<Shared>, connected: &mut bool) -> Ended {
    let stop = until_unwanted(shared);
    tokio::pin!(stop);
    let last_id = lock(&shared.live.last_event_id).clone();
    let request = shared.session.send(Method::GET, "api/v1/events", |r| {
        let r = r
            .header(header::ACCEPT, "text/event-stream")
            .timeout(STREAM_LIFETIME);
        match &last_id {
            Some(id) => r.header("Last-Event-ID", id),
            None => r,
        }
    });
    let mut response = tokio::select! {
        () = &mut stop => return Ended::Stopped,
        answer = request => match answer {
            Ok(response) => response,
            Err(Error::SessionExpired { .. } | Error::Unauthorized) => return Ended::SignedOut,
            Err(e) => return Ended::Failed(e.to_string()),
        },
    };
    let is_stream = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !is_stream {
        return Ended::Failed("the events answer is not an event stream".to_owned());
    }
    *connected = true;
    shared.live.state.set(LiveState::Live);
    // Whatever changed while there was no connection is in the feed.
    spawn_sync(shared, false);
    let mut parser = SseParser::default();
    let mut heartbeat_timeout = shared.live.settings().heartbeat_timeout;
    loop {
        let chunk = tokio::select! {
            () = &mut stop => return Ended::Stopped,
            chunk = tokio::time::timeout(heartbeat_timeout, response.chunk()) => chunk,
        };
        let bytes = match chunk {
            Err(_) => return Ended::Failed("no heartbeat".to_owned()),
            Ok(Err(e)) => return Ended::Failed(format!("stream broke: {}", e.without_url())),
            Ok(Ok(None)) => return Ended::Failed("the platform closed the stream".to_owned()),
            Ok(Ok(Some(bytes))) => bytes,
        };
        for event in parser.feed(&bytes) {
            if let Some(timeout) = handle_event(shared, event).await {
                heartbeat_timeout = timeout;
            }
        }
    }
}

#[derive(Deserialize)]
struct Ready {
    change_seq: Option<i64>,
    /// The platform's heartbeat interval, when it says.
    #[serde(default)]
    heartbeat_ms: Option<u64>,
}

#[derive(Deserialize)]
struct Tombstone {
    application_no: String,
}

/// Applies one event; returns a new heartbeat timeout when the platform
/// announced its interval.
async fn handle_event(shared: &Arc<Shared>, event: SseEvent) -> Option<Duration> {
    let mut timeout = None;
    let outcome = match event.event.as_str() {
        "application" => match Received::from_text(&event.data) {
            Ok(received) => sync::apply(shared, Batch::one(received)).await,
            Err(e) => Err(e),
        },
        "tombstone" => match serde_json::from_str::<Tombstone>(&event.data) {
            Ok(t) => sync::apply(shared, Batch::removed(t.application_no)).await,
            Err(e) => Err(Error::protocol(format!("tombstone event: {e}"))),
        },
        "ready" => {
            if let Ok(ready) = serde_json::from_str::<Ready>(&event.data) {
                let mut last = lock(&shared.live.last_event_id);
                if last.is_none() {
                    *last = ready.change_seq.map(|s| s.to_string());
                }
                timeout = ready
                    .heartbeat_ms
                    .filter(|ms| *ms > 0)
                    .map(|ms| Duration::from_millis(ms.saturating_mul(3)));
            }
            Ok(Default::default())
        }
        "reset" => {
            // The replay can't reach back that far: read everything again.
            spawn_sync(shared, true);
            Ok(Default::default())
        }
        _ => Ok(Default::default()),
    };
    if let Err(e) = outcome {
        // The cursor sync after the next reconnect reads it again.
        tracing::warn!(error = %e, "a live event could not be applied");
    }
    if let Some(id) = event.id {
        *lock(&shared.live.last_event_id) = Some(id);
    }
    timeout
}

fn spawn_sync(shared: &Arc<Shared>, full: bool) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let result = if full {
            sync::full_resync(&shared).await
        } else {
            sync::sync(&shared).await
        };
        if let Err(e) = result {
            tracing::info!(error = %e, "sync after connecting failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_second_to_a_minute_with_jitter() {
        let settings = LiveSettings::default();
        for _ in 0..50 {
            let first = settings.backoff(1);
            assert!((500..=1000).contains(&first.as_millis()), "{first:?}");
            let third = settings.backoff(3);
            assert!((2000..=4000).contains(&third.as_millis()), "{third:?}");
            let late = settings.backoff(30);
            assert!((30_000..=60_000).contains(&late.as_millis()), "{late:?}");
        }
    }
}
