//! The live connection (Server-Sent Events) against the reference server:
//! a status change reaches `watch(no)` while the app is in the foreground;
//! a dropped stream comes back and resumes without a missed or doubled
//! change; a silent one is given up after the heartbeat timeout; an old
//! `Last-Event-ID` gets a full resync; an expired token reconnects with a
//! fresh one; the background and signing out close it.

mod common;

use std::time::{Duration, Instant};

use banshitong_core::applications::{
    ApplicationEvent, ApplicationStatus as S, LiveSettings, LiveState,
};
use common::applications::*;
use common::proxy::{Mode, Proxy};
use common::*;

const BEAT: Duration = Duration::from_millis(200);

#[tokio::test]
async fn a_status_change_reaches_the_watcher_live() {
    let (server, _dir) = live_server(BEAT).await;
    let c = citizen(&server, &server.base_url(), "13900020001").await;
    let no = submitted(&server, &c).await;
    c.apps.set_foreground(true);
    live_until(&c.apps, |s| *s == LiveState::Live).await;

    let mut watch = c.apps.watch(&no);
    assert_eq!(watch.next().await.unwrap().unwrap().status, S::Submitted);
    let started = Instant::now();
    advance(&server, &no, Some("accept")).await;
    let app = tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .expect("the change arrives live, with no sync asked")
        .unwrap()
        .unwrap();
    assert_eq!(app.status, S::Accepted);
    assert!(started.elapsed() < Duration::from_secs(2));

    c.apps.set_foreground(false);
    live_until(&c.apps, |s| *s == LiveState::Off).await;
}

#[tokio::test]
async fn a_dropped_stream_resumes_without_a_missed_or_doubled_change() {
    let (server, _dir) = live_server(BEAT).await;
    let proxy = Proxy::start(server.addr()).await;
    let c = citizen(&server, &proxy.url(), "13900020002").await;
    let no = submitted(&server, &c).await;
    let mut events = c.apps.events();
    c.apps.set_foreground(true);
    live_until(&c.apps, |s| *s == LiveState::Live).await;
    advance(&server, &no, Some("accept")).await;
    stored_until(&c.apps, &no, |a| a.status == S::Accepted).await;

    // The network goes: the stream is cut at its next heartbeat, and
    // reconnects fail while it is gone.
    proxy.set(Mode::Refuse);
    live_until(&c.apps, |s| matches!(s, LiveState::Retrying { .. })).await;
    advance(&server, &no, Some("start_review")).await;
    advance(&server, &no, Some("approve")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(c.apps.get(&no).await.unwrap().status, S::Accepted);

    // It comes back: the replay and the cursor sync bring both changes,
    // and the events of each change come once.
    proxy.set(Mode::Pass);
    c.apps.network_available();
    live_until(&c.apps, |s| *s == LiveState::Live).await;
    stored_until(&c.apps, &no, |a| a.status == S::Decided).await;
    advance(&server, &no, Some("complete")).await;
    let app = stored_until(&c.apps, &no, |a| a.status == S::Completed).await;
    assert_eq!(app.timeline.len(), 5);
    let seen = drain(&mut events, Duration::from_millis(500)).await;
    let changes: Vec<(S, S)> = seen
        .iter()
        .filter_map(|e| match e {
            ApplicationEvent::StatusChanged { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect();
    assert_eq!(changes.first(), Some(&(S::Submitted, S::Accepted)));
    assert_eq!(changes.last(), Some(&(S::Decided, S::Completed)));
    let completed = seen
        .iter()
        .filter(|e| matches!(e, ApplicationEvent::Completed { .. }))
        .count();
    assert_eq!(completed, 1, "{seen:?}");
    // Each status was entered at most once: nothing doubled.
    let mut targets: Vec<S> = changes.iter().map(|c| c.1).collect();
    let before = targets.len();
    targets.dedup();
    assert_eq!(targets.len(), before, "{changes:?}");
}

#[tokio::test]
async fn a_silent_stream_is_given_up_after_the_heartbeat_timeout() {
    // The server beats every minute; the client expects bytes every 300 ms.
    let (server, _dir) = live_server(Duration::from_secs(60)).await;
    let c = citizen(&server, &server.base_url(), "13900020003").await;
    c.apps.set_live_settings(LiveSettings {
        heartbeat_timeout: Duration::from_millis(300),
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(100),
    });
    c.apps.set_foreground(true);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let connects = requests_seen(&server, "/api/v1/events").await;
    assert!(
        connects >= 3,
        "reconnected after silence ({connects} connects)"
    );
    c.apps.set_foreground(false);
}

#[tokio::test]
async fn an_event_id_older_than_the_horizon_resyncs_in_full() {
    let (server, _dir) = live_server(BEAT).await;
    let proxy = Proxy::start(server.addr()).await;
    let c = citizen(&server, &proxy.url(), "13900020004").await;
    seed(&server, &c.user_id, 2, 1, None).await;
    c.apps.sync().await.unwrap();
    let list = c
        .apps
        .list(banshitong_core::applications::ApplicationFilter::All)
        .await
        .unwrap();
    let (kept, archived) = (
        list[0].application_no.clone(),
        list[1].application_no.clone(),
    );
    c.apps.set_foreground(true);
    live_until(&c.apps, |s| *s == LiveState::Live).await;
    advance(&server, &kept, Some("accept")).await;
    stored_until(&c.apps, &kept, |a| a.status == S::Accepted).await;

    proxy.set(Mode::Refuse);
    live_until(&c.apps, |s| matches!(s, LiveState::Retrying { .. })).await;
    archive(&server, &archived).await;
    advance(&server, &kept, Some("start_review")).await;
    compact(&server).await;
    proxy.set(Mode::Pass);
    c.apps.network_available();
    stored_until(&c.apps, &kept, |a| a.status == S::UnderReview).await;
    eventually("the archived one is dropped", async || {
        c.apps.get(&archived).await.is_err()
    })
    .await;
}

#[tokio::test]
async fn an_expired_token_reconnects_with_a_fresh_one() {
    let (server, _dir) = live_server(BEAT).await;
    let c = citizen(&server, &server.base_url(), "13900020005").await;
    let no = submitted(&server, &c).await;
    c.apps.set_foreground(true);
    live_until(&c.apps, |s| *s == LiveState::Live).await;
    let refreshes = refresh_grants(&server).await;
    expire_access_tokens(&server).await;
    // The stream ends at the next beat; the client refreshes and reconnects.
    eventually("the token was refreshed", async || {
        refresh_grants(&server).await != refreshes
    })
    .await;
    live_until(&c.apps, |s| *s == LiveState::Live).await;
    advance(&server, &no, Some("accept")).await;
    stored_until(&c.apps, &no, |a| a.status == S::Accepted).await;
}

#[tokio::test]
async fn signing_out_closes_the_live_connection() {
    let (server, _dir) = live_server(BEAT).await;
    let c = citizen(&server, &server.base_url(), "13900020006").await;
    c.apps.set_foreground(true);
    live_until(&c.apps, |s| *s == LiveState::Live).await;
    c.t.client.auth().sign_out(false).await.unwrap();
    live_until(&c.apps, |s| *s == LiveState::Off).await;
    // Still wanted, but nobody to speak for: it stays off.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(c.apps.watch_live().next().await, Some(LiveState::Off));
}
