//! `GET /api/v1/applications/changes`: paging in change order, each number
//! once at its latest state, tombstones, 410 after a compaction, malformed
//! cursors; and the bench seed.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::workflow::{advance, applicant, changes, start_with_heartbeat, submit_one, sync};
use common::{assert_problem, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn numbers(applications: &[Value]) -> Vec<String> {
    applications
        .iter()
        .map(|a| a["application_no"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_tombstones_and_an_expired_cursor() {
    let (server, _dir) = start_with_heartbeat(Duration::from_secs(15)).await;
    let me = applicant(&server, "13800000201").await;
    let other = applicant(&server, "13800000202").await;
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(submit_one(&server, &me).await);
    }
    let theirs = submit_one(&server, &other).await;

    // Everything, two at a time, in change order; nobody else's.
    let (first, tombstones, cursor) = sync(&server, &me.token, "", 2).await;
    assert_eq!(numbers(&first), mine);
    assert!(tombstones.is_empty());
    assert!(!numbers(&first).contains(&theirs));
    let seqs: Vec<i64> = first
        .iter()
        .map(|a| a["change_seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    // The feed leaves the answers out and carries the timeline.
    assert!(first[0].get("values").is_none());
    assert_eq!(first[0]["timeline"][0]["kind"], "submitted");

    // Nothing new: an empty page, the same cursor.
    let (none, _, same) = sync(&server, &me.token, &cursor, 2).await;
    assert!(none.is_empty());
    assert_eq!(same, cursor);

    // Two steps of one application and one archived: the stepped one once,
    // at its latest state, and a tombstone.
    advance(&server, &mine[1], None).await;
    advance(&server, &mine[1], None).await;
    let archived = client()
        .post(format!(
            "{}/dev/applications/{}/archive",
            server.base_url(),
            mine[3]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    let (delta, tombstones, after_delta) = sync(&server, &me.token, &cursor, 1).await;
    assert_eq!(numbers(&delta), [mine[1].clone()]);
    assert_eq!(delta[0]["status"], "under_review");
    assert_eq!(tombstones, [mine[3].clone()]);
    // The archived one is gone for its owner.
    let response = client()
        .get(format!(
            "{}/api/v1/applications/{}",
            server.base_url(),
            mine[3]
        ))
        .bearer_auth(&me.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // A full pass no longer lists it.
    let (all, _, _) = sync(&server, &me.token, "", 500).await;
    let all: BTreeSet<String> = numbers(&all).into_iter().collect();
    assert_eq!(all.len(), 4);
    assert!(!all.contains(&mine[3]));

    // After a compaction an older cursor is 410; the newest one still works.
    let compacted = client()
        .post(format!("{}/dev/applications/compact", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(compacted.status(), StatusCode::OK);
    let horizon: Value = compacted.json().await.unwrap();
    assert_eq!(horizon["horizon_cursor"], after_delta.as_str());
    assert_problem(
        changes(&server, &me.token, &cursor, 10).await,
        StatusCode::GONE,
        "cursor-expired",
    )
    .await;
    let (nothing, _, _) = sync(&server, &me.token, &after_delta, 10).await;
    assert!(nothing.is_empty());
    // A cursor from the future (another server's data) is 410 too.
    assert_problem(
        changes(&server, &me.token, "c999999", 10).await,
        StatusCode::GONE,
        "cursor-expired",
    )
    .await;
    // The full pass after a 410 brings everything back.
    let (again, tombstones, _) = sync(&server, &me.token, "", 3).await;
    assert_eq!(again.len(), 4);
    assert!(tombstones.is_empty(), "compaction dropped the tombstones");

    // A full pass pages with its own cursors, valid below the horizon,
    // until a compaction happens during the pass.
    let page: Value = changes(&server, &me.token, "", 2)
        .await
        .json()
        .await
        .unwrap();
    let pass_cursor = page["next_cursor"].as_str().unwrap().to_owned();
    assert!(pass_cursor.starts_with('f'), "{pass_cursor}");
    assert_eq!(
        changes(&server, &me.token, &pass_cursor, 2).await.status(),
        StatusCode::OK
    );
    advance(&server, &mine[0], None).await;
    client()
        .post(format!("{}/dev/applications/compact", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_problem(
        changes(&server, &me.token, &pass_cursor, 2).await,
        StatusCode::GONE,
        "cursor-expired",
    )
    .await;

    for bad in ["42", "c", "cx", "c-1", "f1"] {
        assert_problem(
            changes(&server, &me.token, bad, 10).await,
            StatusCode::BAD_REQUEST,
            "bad-request",
        )
        .await;
    }
    for limit in [0, 501] {
        assert_problem(
            changes(&server, &me.token, "", limit).await,
            StatusCode::BAD_REQUEST,
            "bad-request",
        )
        .await;
    }
    let response = client()
        .get(format!("{}/api/v1/applications/changes", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn the_seed_walks_every_application_through_the_workflow() {
    let (server, _dir) = start_with_heartbeat(Duration::from_secs(15)).await;
    let me = applicant(&server, "13800000203").await;
    let started = Instant::now();
    let response = client()
        .post(format!("{}/dev/applications/seed", server.base_url()))
        .json(&json!({"user_id": me.user_id, "count": 1000, "entries": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seeded: Value = response.json().await.unwrap();
    eprintln!("seeded 1000 × 10 in {:?}", started.elapsed());
    assert_eq!(seeded["created"], 1000);

    let started = Instant::now();
    let (all, _, cursor) = sync(&server, &me.token, "", 500).await;
    eprintln!("synced 1000 × 10 over loopback in {:?}", started.elapsed());
    assert_eq!(all.len(), 1000);
    assert_eq!(cursor, format!("c{}", seeded["change_seq"]));
    for application in &all {
        assert_eq!(application["status"], "delivered");
        let kinds: Vec<&str> = application["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "submitted",
                "accepted",
                "review_started",
                "supplement_requested",
                "supplement_answered",
                "supplement_requested",
                "supplement_answered",
                "approved",
                "completed",
                "delivered"
            ]
        );
    }

    // Odd counts end at completed; bad specs are refused.
    let response = client()
        .post(format!("{}/dev/applications/seed", server.base_url()))
        .json(&json!({"user_id": me.user_id, "count": 2, "entries": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (fresh, _, _) = sync(&server, &me.token, &cursor, 10).await;
    assert_eq!(fresh.len(), 2);
    assert!(
        fresh
            .iter()
            .all(|a| a["status"] == "completed" && a["timeline"].as_array().unwrap().len() == 7)
    );
    for spec in [
        json!({"user_id": me.user_id, "count": 0}),
        json!({"user_id": me.user_id, "count": 1, "entries": 0}),
        json!({"user_id": "u_nobody", "count": 1}),
        json!({"user_id": me.user_id, "count": 1, "guide_code": "NOPE-000000"}),
    ] {
        let response = client()
            .post(format!("{}/dev/applications/seed", server.base_url()))
            .json(&spec)
            .send()
            .await
            .unwrap();
        assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable-content",
        )
        .await;
    }
}
