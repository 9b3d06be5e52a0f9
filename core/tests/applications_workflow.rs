//! The applications domain against the reference server, driven through
//! the workflow by the dev routes: every status reaching the personal
//! database with its timeline and deadlines, the filters, offline reads,
//! events raised once each, the 410 resync (an archived application
//! dropped), and withdrawing (allowed, refused with a typed error).

mod common;

use std::time::Duration;

use banshitong_core::Error;
use banshitong_core::applications::{
    ApplicationEvent, ApplicationFilter, ApplicationStatus as S, DecisionOutcome, Delivery,
    NeededAction, TimelineKind,
};
use common::applications::*;
use common::*;
use serde_json::json;

#[tokio::test]
async fn every_status_of_the_happy_path_reaches_the_store_with_timeline_and_deadlines() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010001").await;
    let no = submitted(&server, &c).await;
    let app = c.apps.get(&no).await.unwrap();
    assert_eq!(app.status, S::Submitted);
    assert!(app.deadlines.is_none(), "no time limit before acceptance");
    assert!(app.can_withdraw);
    assert_eq!(app.timeline.len(), 1);
    assert_eq!(app.timeline[0].kind, TimelineKind::Submitted);

    // Each step of the happy path, as the platform takes it, reaches the
    // store with one more timeline entry.
    let expected = [
        S::Accepted,
        S::UnderReview,
        S::Decided,
        S::Completed,
        S::Delivered,
    ];
    for (step, status) in expected.into_iter().enumerate() {
        advance(&server, &no, None).await;
        let report = c.apps.sync().await.unwrap();
        assert_eq!(report.changed, vec![no.clone()], "step {step}");
        assert!(!report.full_resync);
        let app = c.apps.get(&no).await.unwrap();
        assert_eq!(app.status, status);
        assert_eq!(app.timeline.len(), step + 2, "one entry per step");
        assert!(app.timeline.windows(2).all(|w| w[0].seq < w[1].seq));
        assert!(app.timeline.iter().all(|t| t.at_ms > 0));
        let deadlines = app.deadlines.expect("the time limit runs from acceptance");
        assert!(deadlines.promised_due_at_ms <= deadlines.legal_due_at_ms);
        assert!(deadlines.promised_due_at_ms > app.submitted_at_ms);
        assert!(!app.overdue);
    }
    let app = c.apps.get(&no).await.unwrap();
    assert_eq!(
        app.decision.as_ref().map(|d| d.outcome),
        Some(DecisionOutcome::Approved)
    );
    assert!(!app.completed_late);
    assert!(!app.can_withdraw);
    assert!(
        app.delivery.is_some(),
        "delivered by courier or as a licence"
    );
    let kinds: Vec<TimelineKind> = app.timeline.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TimelineKind::Submitted,
            TimelineKind::Accepted,
            TimelineKind::ReviewStarted,
            TimelineKind::Approved,
            TimelineKind::Completed,
            TimelineKind::Delivered
        ]
    );
    // Nothing more: the feed has nothing new.
    assert!(c.apps.sync().await.unwrap().changed.is_empty());
}

#[tokio::test]
async fn not_accepted_refused_and_courier_paths_and_the_illegal_steps() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010002").await;
    seed(&server, &c.user_id, 3, 1, None).await;
    c.apps.sync().await.unwrap();
    let numbers = held_numbers(&c.apps).await;
    let [not_accepted, refused, courier] = &numbers[..] else {
        panic!("three applications")
    };

    // An illegal step is refused by the platform, naming what is allowed.
    let (status, problem) =
        advance_with(&server, not_accepted, json!({"action": "complete"})).await;
    assert_eq!(status, 409);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("illegal-transition")
    );

    advance(&server, not_accepted, Some("not_accept")).await;
    for action in ["accept", "start_review", "refuse", "complete"] {
        advance(&server, refused, Some(action)).await;
    }
    for action in ["accept", "start_review", "approve", "complete"] {
        advance(&server, courier, Some(action)).await;
    }
    let (status, _) = advance_with(
        &server,
        courier,
        json!({"action": "deliver_courier", "carrier": "中国邮政EMS", "tracking_no": "EMS1234567890"}),
    )
    .await;
    assert_eq!(status, 200);
    // A refused application ends at completed: it can't be delivered.
    let (status, _) = advance_with(&server, refused, json!({"action": "deliver_courier"})).await;
    assert_eq!(status, 409);

    c.apps.sync().await.unwrap();
    let app = c.apps.get(not_accepted).await.unwrap();
    assert_eq!(app.status, S::NotAccepted);
    assert!(app.deadlines.is_none());
    let app = c.apps.get(refused).await.unwrap();
    assert_eq!(app.status, S::Completed);
    assert_eq!(
        app.decision.map(|d| d.outcome),
        Some(DecisionOutcome::Refused)
    );
    let app = c.apps.get(courier).await.unwrap();
    assert_eq!(
        app.delivery,
        Some(Delivery::Courier {
            carrier: Some("中国邮政EMS".into()),
            tracking_no: "EMS1234567890".into()
        })
    );
    let done = c.apps.list(ApplicationFilter::Done).await.unwrap();
    assert_eq!(done.len(), 3);
}

#[tokio::test]
async fn filters_split_in_progress_needs_action_and_done() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010003").await;
    seed(&server, &c.user_id, 4, 1, None).await;
    c.apps.sync().await.unwrap();
    let all = c.apps.list(ApplicationFilter::All).await.unwrap();
    assert_eq!(all.len(), 4);
    let (waiting, supplement, withdrawn, finished) = (
        &all[0].application_no,
        &all[1].application_no,
        &all[2].application_no,
        &all[3].application_no,
    );
    advance(&server, supplement, Some("accept")).await;
    request_supplement(&server, supplement).await;
    c.apps.withdraw(withdrawn, None).await.unwrap();
    for _ in 0..5 {
        advance(&server, finished, None).await;
    }
    c.apps.sync().await.unwrap();

    let numbers = |list: Vec<banshitong_core::applications::ApplicationSummary>| {
        let mut numbers: Vec<String> = list.into_iter().map(|a| a.application_no).collect();
        numbers.sort();
        numbers
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<String>>()
    };
    let in_progress = c.apps.list(ApplicationFilter::InProgress).await.unwrap();
    assert_eq!(numbers(in_progress), sorted(vec![waiting, supplement]));
    let needs = c.apps.list(ApplicationFilter::NeedsAction).await.unwrap();
    assert_eq!(needs.len(), 1);
    assert_eq!(&needs[0].application_no, supplement);
    assert_eq!(needs[0].needs_action, Some(NeededAction::Supplement));
    let done = c.apps.list(ApplicationFilter::Done).await.unwrap();
    assert_eq!(numbers(done), sorted(vec![withdrawn, finished]));
    // The most recently changed first.
    let all = c.apps.list(ApplicationFilter::All).await.unwrap();
    assert!(
        all.windows(2)
            .all(|w| w[0].updated_at_ms >= w[1].updated_at_ms)
    );
}

#[tokio::test]
async fn list_and_detail_read_offline() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010004").await;
    let no = submitted(&server, &c).await;
    advance(&server, &no, Some("accept")).await;
    c.apps.sync().await.unwrap();
    server.shutdown().await;

    let list = c.apps.list(ApplicationFilter::All).await.unwrap();
    assert_eq!(list.len(), 1);
    let app = c.apps.get(&no).await.unwrap();
    assert_eq!(app.status, S::Accepted);
    assert_eq!(app.timeline.len(), 2);
    assert!(app.deadlines.is_some());
    // The network calls say offline, typed; the stored data stays.
    assert!(c.apps.sync().await.unwrap_err().is_network());
    assert!(c.apps.refresh(&no).await.unwrap_err().is_network());
    assert_eq!(c.apps.get(&no).await.unwrap(), app);
    // And after the app restarts, offline.
    let reopened = client_in("http://127.0.0.1:9", &c.t.dir, c.t.secrets.clone());
    let apps = reopened.applications().await.unwrap();
    assert_eq!(apps.get(&no).await.unwrap().status, S::Accepted);
}

#[tokio::test]
async fn events_are_raised_once_per_change_that_needs_the_user() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010005").await;
    let fee_guide = all_guides(&server)
        .await
        .into_iter()
        .find(|g| !g.fees.is_empty() && g.form_schema_id.is_some())
        .expect("a guide with a fee");
    let mut events = c.apps.events();
    // The first sight of an application raises nothing.
    let no = applied_through_a_draft(&c, &fee_guide.code).await;
    assert!(
        drain(&mut events, Duration::from_millis(100))
            .await
            .is_empty()
    );

    advance(&server, &no, Some("accept")).await;
    c.apps.sync().await.unwrap();
    request_supplement(&server, &no).await;
    c.apps.sync().await.unwrap();
    // A second sync and a refresh see the same versions: nothing again.
    c.apps.sync().await.unwrap();
    c.apps.refresh(&no).await.unwrap();
    let materials = c.apps.get(&no).await.unwrap().supplement.unwrap().materials;
    assert_eq!(materials[0].key, "photo");
    let seen = drain(&mut events, Duration::from_millis(200)).await;
    assert_eq!(
        seen,
        vec![
            ApplicationEvent::StatusChanged {
                application_no: no.clone(),
                from: S::Submitted,
                to: S::Accepted
            },
            ApplicationEvent::StatusChanged {
                application_no: no.clone(),
                from: S::Accepted,
                to: S::SupplementRequired
            },
            ApplicationEvent::SupplementRequired {
                application_no: no.clone(),
                guide_name: fee_guide.name.clone(),
                materials,
            },
        ]
    );

    // The fee, completion and delivery on a second application.
    let second = applied_through_a_draft(&c, &fee_guide.code).await;
    drain(&mut events, Duration::from_millis(50)).await;
    for action in ["accept", "start_review", "approve"] {
        advance(&server, &second, Some(action)).await;
        c.apps.sync().await.unwrap();
    }
    let app = c.apps.get(&second).await.unwrap();
    assert_eq!(app.needs_action, Some(NeededAction::Fee));
    assert_eq!(app.fee.as_ref().unwrap().paid_at_ms, None);
    let fee_events: Vec<_> = drain(&mut events, Duration::from_millis(200))
        .await
        .into_iter()
        .filter(|e| matches!(e, ApplicationEvent::FeeDue { .. }))
        .collect();
    assert_eq!(fee_events.len(), 1, "fee due raised once");
    for action in ["pay_fee", "complete", "deliver_courier"] {
        advance(&server, &second, Some(action)).await;
        c.apps.sync().await.unwrap();
        c.apps.sync().await.unwrap();
    }
    let seen = drain(&mut events, Duration::from_millis(200)).await;
    let completed = seen
        .iter()
        .filter(|e| {
            matches!(
                e,
                ApplicationEvent::Completed {
                    outcome: Some(DecisionOutcome::Approved),
                    ..
                }
            )
        })
        .count();
    let delivered = seen
        .iter()
        .filter(|e| {
            matches!(
                e,
                ApplicationEvent::Delivered {
                    delivery: Some(Delivery::Courier { .. }),
                    ..
                }
            )
        })
        .count();
    let fee_again = seen
        .iter()
        .filter(|e| matches!(e, ApplicationEvent::FeeDue { .. }))
        .count();
    assert_eq!((completed, delivered, fee_again), (1, 1, 0), "{seen:?}");
}

#[tokio::test]
async fn a_cursor_older_than_the_horizon_resyncs_in_full_and_drops_the_archived() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010006").await;
    seed(&server, &c.user_id, 3, 1, None).await;
    let first = c.apps.sync().await.unwrap();
    assert!(first.full_resync, "the first sync reads everything");
    assert_eq!(first.changed.len(), 3);
    let list = c.apps.list(ApplicationFilter::All).await.unwrap();
    let (archived, moved) = (
        list[0].application_no.clone(),
        list[1].application_no.clone(),
    );

    archive(&server, &archived).await;
    advance(&server, &moved, Some("accept")).await;
    // The tombstone is gone with the compaction: only a full pass can tell.
    compact(&server).await;
    let report = c.apps.sync().await.unwrap();
    assert!(report.full_resync, "410 started the sync over");
    assert_eq!(report.removed, vec![archived.clone()]);
    assert!(report.changed.contains(&moved));
    assert!(matches!(
        c.apps.get(&archived).await.unwrap_err(),
        Error::NotFound { .. }
    ));
    assert_eq!(c.apps.list(ApplicationFilter::All).await.unwrap().len(), 2);
    assert_eq!(c.apps.get(&moved).await.unwrap().status, S::Accepted);
    // From the new cursor on, an ordinary sync again.
    let again = c.apps.sync().await.unwrap();
    assert!(!again.full_resync);
    assert!(again.changed.is_empty() && again.removed.is_empty());

    // A tombstone within the horizon removes the row on a cursor sync.
    let left = c.apps.list(ApplicationFilter::All).await.unwrap()[0]
        .application_no
        .clone();
    archive(&server, &left).await;
    let report = c.apps.sync().await.unwrap();
    assert!(!report.full_resync);
    assert_eq!(report.removed, vec![left]);
}

#[tokio::test]
async fn withdrawing_where_allowed_and_a_typed_refusal_where_not() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900010007").await;
    seed(&server, &c.user_id, 2, 1, None).await;
    c.apps.sync().await.unwrap();
    let list = c.apps.list(ApplicationFilter::All).await.unwrap();
    let (withdrawn, reviewed) = (
        list[0].application_no.clone(),
        list[1].application_no.clone(),
    );

    let mut events = c.apps.events();
    let app = c
        .apps
        .withdraw(&withdrawn, Some("不需要了".into()))
        .await
        .unwrap();
    assert_eq!(app.status, S::Withdrawn);
    assert!(!app.can_withdraw);
    assert_eq!(app.timeline.last().unwrap().kind, TimelineKind::Withdrawn);
    assert_eq!(c.apps.get(&withdrawn).await.unwrap().status, S::Withdrawn);
    // A retry is harmless: the same application, no second event.
    let again = c.apps.withdraw(&withdrawn, None).await.unwrap();
    assert_eq!(again, app);
    let seen = drain(&mut events, Duration::from_millis(100)).await;
    assert_eq!(seen.len(), 1, "{seen:?}");

    advance(&server, &reviewed, Some("accept")).await;
    advance(&server, &reviewed, Some("start_review")).await;
    c.apps.sync().await.unwrap();
    assert!(!c.apps.get(&reviewed).await.unwrap().can_withdraw);
    let refused = c.apps.withdraw(&reviewed, None).await.unwrap_err();
    assert!(matches!(refused, Error::Conflict { .. }), "{refused:?}");
    assert_eq!(c.apps.get(&reviewed).await.unwrap().status, S::UnderReview);

    // Another user's number is not found, and changes nothing.
    let other = citizen(&server, &server.base_url(), "13900010008").await;
    assert!(matches!(
        other.apps.withdraw(&reviewed, None).await.unwrap_err(),
        Error::NotFound { .. }
    ));
}
