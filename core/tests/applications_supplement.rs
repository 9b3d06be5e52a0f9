//! The supplement round (补正) end to end against the reference server: the
//! office asks for a material, the applicant starts the answer from the
//! application, attaches an uploaded file through `client.materials()`,
//! sends it through the outbox, and the application goes on to
//! `under_review` — once, however the send is retried or the answers cut.

mod common;

use std::time::{Duration, Instant};

use banshitong_core::Error;
use banshitong_core::applications::{
    ApplicationStatus as S, NeededAction, SupplementOutcome, TimelineKind,
};
use banshitong_core::materials::{AddMaterial, UploadState};
use common::applications::*;
use common::proxy::{Mode, Proxy};
use common::*;

#[tokio::test]
async fn a_supplement_round_end_to_end_with_a_retried_send() {
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let c = citizen(&server, &proxy.url(), "13900040001").await;
    let no = submitted(&server, &c).await;
    // Nothing to answer yet: a typed refusal.
    assert!(matches!(
        c.apps.start_supplement(&no).await.unwrap_err(),
        Error::Conflict { .. }
    ));
    advance(&server, &no, Some("accept")).await;
    request_supplement(&server, &no).await;
    c.apps.sync().await.unwrap();
    let app = c.apps.get(&no).await.unwrap();
    assert_eq!(app.needs_action, Some(NeededAction::Supplement));
    let request = app.supplement.expect("the open request");

    // The answer is a draft with the requested slot; starting again gives
    // the same draft.
    let draft = c.apps.start_supplement(&no).await.unwrap();
    assert_eq!(c.apps.start_supplement(&no).await.unwrap().id, draft.id);
    let drafts = c.t.client.drafts().await.unwrap();
    let info = drafts.supplement(draft.id.clone()).await.unwrap().unwrap();
    assert_eq!(info.request.request_seq, request.request_seq);
    assert_eq!(info.request.slots[0].key, "photo");

    // Sending it empty is refused by the form: nothing queued.
    let outcome = c.apps.submit_supplement(&draft.id).await.unwrap();
    assert!(
        matches!(outcome, SupplementOutcome::Invalid { ref errors } if !errors.is_empty()),
        "{outcome:?}"
    );

    // A file uploaded straight into the slot.
    let (path, _) = materials::write_pdf(c.t.dir.path(), "photo.pdf", 4096);
    let materials = c.t.client.materials().await.unwrap();
    let item = materials
        .add(AddMaterial {
            draft_id: Some(draft.id.clone()),
            slot_key: Some("photo".into()),
            ..AddMaterial::file(path.to_string_lossy())
        })
        .await
        .unwrap();
    let done = materials.wait(item.id).await.unwrap();
    assert!(matches!(done.state, UploadState::Done { .. }), "{done:?}");
    let filled = drafts.open(draft.id.clone()).await.unwrap();
    assert_eq!(filled.materials[0].slot_key, "photo");

    // The answers are cut on the way back: the outbox sends again, with
    // the same idempotency key, until one gets through.
    proxy.set(Mode::DropResponses);
    assert_eq!(
        c.apps.submit_supplement(&draft.id).await.unwrap(),
        SupplementOutcome::Queued
    );
    // Pressing send again queues nothing new.
    let again = c.apps.submit_supplement(&draft.id).await.unwrap();
    assert!(matches!(
        again,
        SupplementOutcome::Queued | SupplementOutcome::AlreadySent { .. }
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.set(Mode::Pass);
    drafts.network_available();

    let app = stored_until(&c.apps, &no, |a| a.status == S::UnderReview).await;
    assert_eq!(app.needs_action, None);
    assert!(app.supplement.is_none());
    let answers = app
        .timeline
        .iter()
        .filter(|t| t.kind == TimelineKind::SupplementAnswered)
        .count();
    assert_eq!(answers, 1, "one answer, however often it was sent");
    assert_eq!(
        c.apps.submit_supplement(&draft.id).await.unwrap(),
        SupplementOutcome::AlreadySent {
            application_no: no.clone()
        }
    );
    // The platform agrees.
    let started = Instant::now();
    let fresh = c.apps.refresh(&no).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fresh.status, S::UnderReview);
    assert_eq!(
        fresh
            .timeline
            .iter()
            .filter(|t| t.kind == TimelineKind::SupplementAnswered)
            .count(),
        1
    );
    // The office goes on to a decision.
    assert_eq!(advance(&server, &no, None).await, "decided");
}

#[tokio::test]
async fn an_ordinary_draft_is_not_a_supplement_answer() {
    let server = dev_server().await;
    let c = citizen(&server, &server.base_url(), "13900040002").await;
    c.t.client.catalog().sync(None).await.unwrap();
    let guide = all_guides(&server)
        .await
        .into_iter()
        .find(|g| g.form_schema_id.is_some())
        .unwrap();
    let drafts = c.t.client.drafts().await.unwrap();
    let draft = drafts.create(guide.code).await.unwrap();
    assert!(matches!(
        c.apps.submit_supplement(&draft.id).await.unwrap_err(),
        Error::InvalidInput { .. }
    ));
}
