//! Push hints and background runs: the platform's own push data message
//! (from its dev outbox) makes the core sync and report what changed;
//! malformed, foreign and other users' payloads are ignored with a reason,
//! never an error; `background_sync` stays within its budget, online and
//! offline.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use banshitong_core::applications::{ApplicationStatus as S, PushIgnoredReason, PushOutcome};
use common::applications::*;
use common::*;

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn the_platforms_push_payload_syncs_and_reports_the_change() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900030001").await;
    let no = submitted(&server, &c).await;
    advance(&server, &no, Some("accept")).await;
    let payload = push_outbox(&server, &c.user_id)
        .await
        .pop()
        .expect("the platform queued a push for the change");
    assert_eq!(payload.get("application_no"), Some(&no));
    assert_eq!(payload.get("status").map(String::as_str), Some("accepted"));

    let outcome = c.apps.handle_push(payload.clone()).await;
    assert_eq!(
        outcome,
        PushOutcome::Synced {
            changed: vec![no.clone()],
            removed: 0
        }
    );
    assert_eq!(c.apps.get(&no).await.unwrap().status, S::Accepted);
    // The same message again (push services deliver at least once).
    assert_eq!(
        c.apps.handle_push(payload).await,
        PushOutcome::Synced {
            changed: vec![],
            removed: 0
        }
    );
}

#[tokio::test]
async fn unusable_payloads_are_ignored_with_a_reason() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900030002").await;
    let no = submitted(&server, &c).await;
    let other = citizen(&server, &server.base_url(), "13900030003").await;
    let other_no = submitted(&server, &other).await;
    advance(&server, &other_no, Some("accept")).await;
    let others = push_outbox(&server, &other.user_id).await.pop().unwrap();
    let seen_before = requests_seen(&server, "/api/v1/applications/changes").await;

    let cases = [
        (others.clone(), PushIgnoredReason::OtherUser),
        (map(&[("google.c.a.e", "1")]), PushIgnoredReason::NotOurs),
        (
            map(&[("bst", "1"), ("kind", "licence_revoked")]),
            PushIgnoredReason::NotOurs,
        ),
        (
            map(&[
                ("bst", "1"),
                ("kind", "application_changed"),
                ("user", &c.user_id),
                ("application_no", &no),
                ("change_seq", "not a number"),
            ]),
            PushIgnoredReason::Malformed,
        ),
        (
            map(&[("bst", "1"), ("kind", "application_changed")]),
            PushIgnoredReason::Malformed,
        ),
        (HashMap::new(), PushIgnoredReason::NotOurs),
    ];
    for (payload, reason) in cases {
        assert_eq!(
            c.apps.handle_push(payload.clone()).await,
            PushOutcome::Ignored { reason },
            "{payload:?}"
        );
    }
    assert_eq!(
        requests_seen(&server, "/api/v1/applications/changes").await,
        seen_before,
        "nothing ignored reached the platform"
    );

    // Signed out, even this user's own message is left alone.
    advance(&server, &no, Some("accept")).await;
    let own = push_outbox(&server, &c.user_id).await.pop().unwrap();
    c.t.client.auth().sign_out(false).await.unwrap();
    assert_eq!(
        c.apps.handle_push(own).await,
        PushOutcome::Ignored {
            reason: PushIgnoredReason::SignedOut
        }
    );
}

#[tokio::test]
async fn background_sync_does_the_work_within_its_budget() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900030004").await;
    seed(&server, &c.user_id, 20, 10, None).await;
    let started = Instant::now();
    let report = c
        .apps
        .background_sync(Duration::from_secs(10))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(report.applications_synced);
    assert_eq!(report.applications_changed, 20);
    assert_eq!(report.outbox_pending, 0);
    assert!(!report.stopped_by_deadline);

    // Offline: it returns within the budget, having done what it could.
    server.shutdown().await;
    let budget = Duration::from_millis(800);
    let started = Instant::now();
    let report = c.apps.background_sync(budget).await.unwrap();
    assert!(
        started.elapsed() <= budget + Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert!(!report.applications_synced);
    assert_eq!(
        c.apps
            .list(banshitong_core::applications::ApplicationFilter::All)
            .await
            .unwrap()
            .len(),
        20
    );
}
