//! `GET /api/v1/events` over a real connection: the ready event, live
//! changes with ids, resuming with Last-Event-ID without a missed or
//! doubled change, reset after a compaction, heartbeats, tombstones, the
//! end of the stream when the token expires, and another user's changes
//! staying out.

mod common;

use std::time::{Duration, Instant};

use common::client;
use common::workflow::{EventStream, advance, applicant, start_with_heartbeat, submit_one};
use reqwest::StatusCode;

/// Long enough not to interleave with the events of a test, short enough
/// for the heartbeat test.
const HEARTBEAT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn ready_then_live_changes_with_ids() {
    let (server, _dir) = start_with_heartbeat(HEARTBEAT).await;
    let me = applicant(&server, "13800000301").await;
    let other = applicant(&server, "13800000302").await;
    let no = submit_one(&server, &me).await;

    let mut stream = EventStream::open(&server, &me.token, None).await;
    let ready = stream.next_event().await;
    assert_eq!(ready.event.as_deref(), Some("ready"));
    assert_eq!(ready.id, None);
    let latest = ready.json()["change_seq"].as_i64().unwrap();
    assert!(latest > 0);

    // Someone else's change stays out; mine arrives with its seq as id.
    submit_one(&server, &other).await;
    let started = Instant::now();
    let accepted = advance(&server, &no, None).await;
    let event = stream.next_event().await;
    eprintln!("status change to event: {:?}", started.elapsed());
    assert_eq!(event.event.as_deref(), Some("application"));
    assert_eq!(event.id, Some(accepted["change_seq"].to_string()));
    let data = event.json();
    assert_eq!(data["application_no"], no.as_str());
    assert_eq!(data["status"], "accepted");
    assert_eq!(data["timeline"].as_array().unwrap().len(), 2);
    assert!(data.get("values").is_none());

    // A new submission arrives too, then an archive as a tombstone.
    let second = submit_one(&server, &me).await;
    let event = stream.next_event().await;
    assert_eq!(event.json()["application_no"], second.as_str());
    let archived = client()
        .post(format!(
            "{}/dev/applications/{second}/archive",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    let event = stream.next_event().await;
    assert_eq!(event.event.as_deref(), Some("tombstone"));
    assert_eq!(event.json()["application_no"], second.as_str());
    assert!(event.id.is_some());
}

#[tokio::test]
async fn resuming_misses_nothing_and_doubles_nothing() {
    let (server, _dir) = start_with_heartbeat(HEARTBEAT).await;
    let me = applicant(&server, "13800000303").await;
    let first = submit_one(&server, &me).await;
    let second = submit_one(&server, &me).await;

    let mut stream = EventStream::open(&server, &me.token, None).await;
    assert_eq!(stream.next_event().await.event.as_deref(), Some("ready"));
    advance(&server, &first, None).await;
    let seen = stream.next_event().await;
    let last_id = seen.id.clone().unwrap();
    // The connection drops; meanwhile three changes, two of one application.
    drop(stream);
    advance(&server, &first, None).await;
    advance(&server, &second, None).await;
    let latest = advance(&server, &first, None).await;

    let mut resumed = EventStream::open(&server, &me.token, Some(&last_id)).await;
    assert_eq!(resumed.next_event().await.event.as_deref(), Some("ready"));
    let replay_a = resumed.next_event().await;
    let replay_b = resumed.next_event().await;
    // Each number once at its latest state, in seq order.
    assert_eq!(replay_a.json()["application_no"], second.as_str());
    assert_eq!(replay_a.json()["status"], "accepted");
    assert_eq!(replay_b.json()["application_no"], first.as_str());
    assert_eq!(replay_b.json()["status"], "decided");
    assert_eq!(replay_b.id, Some(latest["change_seq"].to_string()));
    let ids: Vec<i64> = [&replay_a, &replay_b]
        .iter()
        .map(|e| e.id.as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(ids[0] < ids[1] && ids[0] > last_id.parse::<i64>().unwrap());

    // Then live again, and nothing replayed twice: the next event is new.
    let next = advance(&server, &second, None).await;
    let live = resumed.next_event().await;
    assert_eq!(live.id, Some(next["change_seq"].to_string()));

    // Resuming from the newest id replays nothing: only heartbeats follow.
    let mut caught_up = EventStream::open(&server, &me.token, live.id.as_deref()).await;
    assert_eq!(caught_up.next_event().await.event.as_deref(), Some("ready"));
    let quiet = caught_up.next_within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(quiet.comment.as_deref(), Some("heartbeat"));
}

#[tokio::test]
async fn an_id_from_before_the_horizon_gets_reset_and_the_stream_goes_on() {
    let (server, _dir) = start_with_heartbeat(HEARTBEAT).await;
    let me = applicant(&server, "13800000304").await;
    let no = submit_one(&server, &me).await;
    let old = advance(&server, &no, None).await["change_seq"].to_string();
    advance(&server, &no, None).await;
    let compacted = client()
        .post(format!("{}/dev/applications/compact", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(compacted.status(), StatusCode::OK);

    for stale in [old.as_str(), "not-a-number", "99999999"] {
        let mut stream = EventStream::open(&server, &me.token, Some(stale)).await;
        assert_eq!(stream.next_event().await.event.as_deref(), Some("ready"));
        let reset = stream.next_event().await;
        assert_eq!(reset.event.as_deref(), Some("reset"), "{stale}");
        assert_eq!(reset.id, None);
    }
    let mut stream = EventStream::open(&server, &me.token, Some(&old)).await;
    stream.next_event().await;
    stream.next_event().await;
    let step = advance(&server, &no, None).await;
    let live = stream.next_event().await;
    assert_eq!(live.id, Some(step["change_seq"].to_string()));
}

#[tokio::test]
async fn heartbeats_keep_an_idle_stream_alive_until_the_token_expires() {
    let (server, _dir) = start_with_heartbeat(Duration::from_millis(100)).await;
    let me = applicant(&server, "13800000305").await;
    let mut stream = EventStream::open(&server, &me.token, None).await;
    assert_eq!(stream.next_event().await.event.as_deref(), Some("ready"));
    for _ in 0..3 {
        let beat = stream.next_within(Duration::from_secs(2)).await.unwrap();
        assert_eq!(beat.comment.as_deref(), Some("heartbeat"));
    }
    // The access token expires: the stream ends (the client reconnects
    // with a fresh one).
    let expired = client()
        .post(format!(
            "{}/dev/auth/expire-access-tokens",
            server.base_url()
        ))
        .json(&serde_json::json!({"user_id": me.user_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::NO_CONTENT);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match stream.next_within(Duration::from_secs(2)).await {
            None => break,
            Some(event) => assert_eq!(event.comment.as_deref(), Some("heartbeat")),
        }
        assert!(Instant::now() < deadline, "the stream did not end");
    }
    let response = client()
        .get(format!("{}/api/v1/events", server.base_url()))
        .bearer_auth(&me.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn shutting_down_ends_open_streams() {
    let (server, _dir) = start_with_heartbeat(Duration::from_secs(15)).await;
    let me = applicant(&server, "13800000306").await;
    let mut stream = EventStream::open(&server, &me.token, None).await;
    assert_eq!(stream.next_event().await.event.as_deref(), Some("ready"));
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("a graceful shutdown doesn't wait for the stream");
    assert_eq!(stream.next_within(Duration::from_secs(5)).await, None);
}

/// From the dev route's step (request sent) to its event read off the
/// stream, over loopback: the median and p99 are printed (debug build).
#[tokio::test]
async fn a_status_change_reaches_the_stream_quickly() {
    let (server, _dir) = start_with_heartbeat(Duration::from_secs(15)).await;
    let me = applicant(&server, "13800000307").await;
    let seeded = client()
        .post(format!("{}/dev/applications/seed", server.base_url()))
        .json(&serde_json::json!({"user_id": me.user_id, "count": 200, "entries": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.status(), StatusCode::OK);
    let dev: serde_json::Value = client()
        .get(format!("{}/dev/applications", server.base_url()))
        .query(&[("user", me.user_id.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let numbers: Vec<String> = dev["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["application_no"].as_str().unwrap().to_owned())
        .collect();
    let mut stream = EventStream::open(&server, &me.token, None).await;
    assert_eq!(stream.next_event().await.event.as_deref(), Some("ready"));
    let mut latencies = Vec::new();
    for no in &numbers {
        let started = Instant::now();
        advance(&server, no, None).await;
        let event = stream.next_event().await;
        latencies.push(started.elapsed());
        assert_eq!(event.json()["application_no"], no.as_str());
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    eprintln!(
        "status change → event over loopback: median {median:?}, p99 {p99:?} ({} changes)",
        latencies.len()
    );
    assert!(p99 < Duration::from_secs(2), "{p99:?}");
}
