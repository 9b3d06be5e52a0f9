//! Application drafts against the reference server: create with prefill,
//! autosave and as-you-type checks, submit through the outbox, exactly one
//! application however often and however badly it is sent, delivery after
//! the network returns or the app restarts, and sync with conflict copies.

mod common;

use std::time::{Duration, Instant};

use banshitong_core::Client;
use banshitong_core::drafts::{Draft, DraftState, SubmitOutcome};
use banshitong_forms::FieldKind;
use common::proxy::{Mode, Proxy};
use common::*;
use serde_json::{Value, json};

async fn applications_on_server(server: &banshitong_server::TestServer) -> u64 {
    let body: Value = reqwest::get(format!("{}/dev/applications", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["count"].as_u64().unwrap()
}

async fn signed_in_client(server: &banshitong_server::TestServer, base: &str) -> TestClient {
    let t = client_for(base);
    t.client.catalog().sync(None).await.unwrap();
    sign_in(server, &t.client, "13900002222").await;
    t
}

async fn first_guide(client: &Client) -> String {
    let page = client
        .catalog()
        .search(banshitong_core::catalog::SearchRequest {
            query: "居民身份证".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    page.hits[0].code.clone()
}

#[tokio::test]
async fn a_draft_is_created_edited_checked_and_submitted_once() {
    let (server, _dir) = catalog_server(300).await;
    let t = signed_in_client(&server, &server.base_url()).await;
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.create(first_guide(&t.client).await).await.unwrap();
    assert_eq!(draft.revision, 1);
    assert_eq!(draft.state, DraftState::Editing);

    // Autosave: each change is the next revision; a bad ID number is
    // flagged as it is typed, in Chinese.
    let schema = drafts.schema(draft.id.clone()).await.unwrap();
    let id_field = schema
        .fields
        .iter()
        .find(|f| matches!(f.kind, FieldKind::IdNumber))
        .expect("a person item asks for an ID number");
    let saved = drafts
        .set_field(
            draft.id.clone(),
            id_field.key.clone(),
            json!("110105194912310021").to_string(),
        )
        .await
        .unwrap();
    assert_eq!(saved.revision, 2);
    assert_eq!(saved.field_errors[0].code.as_str(), "id_checksum");
    assert!(saved.field_errors[0].message.contains("校验"));

    // Submitting an invalid form queues nothing.
    match drafts.submit(draft.id.clone()).await.unwrap() {
        SubmitOutcome::Invalid { errors } => assert!(!errors.is_empty()),
        other => panic!("{other:?}"),
    }
    assert_eq!(drafts.outbox_status().await.unwrap().pending, 0);

    fill_until_valid(&t.client, &drafts, &draft).await;
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let done = settled(&drafts, &draft.id).await;
    let DraftState::Submitted { application_no } = &done.state else {
        panic!("{:?}", done.state)
    };
    assert!(application_no.starts_with("YN"));
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::AlreadySubmitted {
            application_no: application_no.clone()
        }
    );
    assert!(
        drafts
            .set_field(draft.id.clone(), "x".into(), "1".into())
            .await
            .is_err(),
        "a submitted draft is no longer editable"
    );
    assert_eq!(applications_on_server(&server).await, 1);
}

#[tokio::test]
async fn a_new_draft_is_prefilled_with_what_the_platform_knows() {
    let (server, _dir) = catalog_server(300).await;
    let t = signed_in_client(&server, &server.base_url()).await;
    t.client
        .auth()
        .verify_identity(banshitong_core::auth::Verification::BankCard {
            name: "张三丰".into(),
            id_number: "11010519491231002X".into(),
            card_number: "6222021234567894".into(),
            reserved_phone: "13900002222".into(),
        })
        .await
        .unwrap();
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.create(first_guide(&t.client).await).await.unwrap();
    let values: Value = serde_json::from_str(&draft.values_json).unwrap();
    let schema = drafts.schema(draft.id.clone()).await.unwrap();
    let key_of = |kind: fn(&FieldKind) -> bool| {
        schema
            .fields
            .iter()
            .find(|f| kind(&f.kind) && f.prefill.is_some())
            .unwrap()
            .key
            .clone()
    };
    assert_eq!(
        values[key_of(|k| matches!(k, FieldKind::IdNumber))],
        json!("11010519491231002X")
    );
    assert_eq!(
        values[key_of(|k| matches!(k, FieldKind::Mobile))],
        json!("13900002222")
    );
    assert!(
        values
            .as_object()
            .unwrap()
            .values()
            .any(|v| v == &json!("张三丰"))
    );
    // Nothing masked ever lands in a form.
    assert!(!draft.values_json.contains('*'));
}

#[tokio::test]
async fn twenty_concurrent_submits_make_one_application() {
    let (server, _dir) = catalog_server(300).await;
    let t = signed_in_client(&server, &server.base_url()).await;
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.create(first_guide(&t.client).await).await.unwrap();
    fill_until_valid(&t.client, &drafts, &draft).await;
    let presses: Vec<_> = (0..20)
        .map(|_| {
            let (drafts, id) = (drafts.clone(), draft.id.clone());
            tokio::spawn(async move { drafts.submit(id).await.unwrap() })
        })
        .collect();
    for press in presses {
        let outcome = press.await.unwrap();
        assert!(matches!(
            outcome,
            SubmitOutcome::Queued | SubmitOutcome::AlreadySubmitted { .. }
        ));
    }
    let done = settled(&drafts, &draft.id).await;
    assert!(matches!(done.state, DraftState::Submitted { .. }));
    assert_eq!(applications_on_server(&server).await, 1);
}

#[tokio::test]
async fn an_answer_lost_on_the_way_back_still_makes_one_application() {
    let (server, _dir) = catalog_server(300).await;
    let proxy = Proxy::start(server.addr()).await;
    let t = signed_in_client(&server, &proxy.url()).await;
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.create(first_guide(&t.client).await).await.unwrap();
    fill_until_valid(&t.client, &drafts, &draft).await;

    proxy.set(Mode::DropResponses);
    drafts.submit(draft.id.clone()).await.unwrap();
    // The platform got it; we never heard back.
    let deadline = Instant::now() + Duration::from_secs(10);
    while applications_on_server(&server).await == 0 {
        assert!(Instant::now() < deadline, "the request reached the server");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        drafts.open(draft.id.clone()).await.unwrap().state,
        DraftState::Submitting
    );

    proxy.set(Mode::Pass);
    drafts.network_available();
    let done = settled(&drafts, &draft.id).await;
    assert!(matches!(done.state, DraftState::Submitted { .. }));
    assert_eq!(
        applications_on_server(&server).await,
        1,
        "the retry was answered, not repeated"
    );
}

#[tokio::test]
async fn offline_submissions_go_when_the_network_returns_and_after_a_restart() {
    let (server, _dir) = catalog_server(300).await;
    let proxy = Proxy::start(server.addr()).await;
    let t = signed_in_client(&server, &proxy.url()).await;
    let drafts = t.client.drafts().await.unwrap();
    let first = drafts.create(first_guide(&t.client).await).await.unwrap();
    fill_until_valid(&t.client, &drafts, &first).await;
    let second = drafts.duplicate(first.id.clone()).await.unwrap();

    proxy.set(Mode::Refuse);
    drafts.submit(first.id.clone()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = drafts.outbox_status().await.unwrap();
    assert_eq!(status.pending, 1);
    assert!(status.last_error.is_some());

    // The network returns; the shell tells the core.
    proxy.set(Mode::Pass);
    let returned = Instant::now();
    drafts.network_available();
    let done = settled(&drafts, &first.id).await;
    assert!(matches!(done.state, DraftState::Submitted { .. }));
    eprintln!(
        "delivered {:?} after the network returned",
        returned.elapsed()
    );

    // Queued while offline, then the app is killed: the next start sends it.
    proxy.set(Mode::Refuse);
    drafts.submit(second.id.clone()).await.unwrap();
    drop(drafts);
    let dir = t.dir;
    let secrets = t.secrets.clone();
    drop(t.client);
    proxy.set(Mode::Pass);
    let restarted = client_in(&proxy.url(), &dir, secrets);
    let drafts = restarted.drafts().await.unwrap();
    let done = settled(&drafts, &second.id).await;
    assert!(matches!(done.state, DraftState::Submitted { .. }));
    assert_eq!(applications_on_server(&server).await, 2);
}

#[tokio::test]
async fn a_draft_edited_on_two_phones_keeps_both_versions() {
    let (server, _dir) = catalog_server(300).await;
    let a = signed_in_client(&server, &server.base_url()).await;
    // The same person on a second phone (a second SMS code would have to
    // wait a minute, so by password).
    a.client
        .auth()
        .set_password("Drafts-2026", None)
        .await
        .unwrap();
    let b = client_for(&server.base_url());
    b.client.catalog().sync(None).await.unwrap();
    b.client
        .auth()
        .sign_in_with_password("13900002222", "Drafts-2026")
        .await
        .unwrap();
    let (da, db) = (
        a.client.drafts().await.unwrap(),
        b.client.drafts().await.unwrap(),
    );
    let draft = da.create(first_guide(&a.client).await).await.unwrap();
    assert_eq!(da.sync().await.unwrap().pushed, 1);
    assert_eq!(db.sync().await.unwrap().pulled, 1);
    assert_eq!(
        db.open(draft.id.clone()).await.unwrap().values_json,
        draft.values_json
    );

    // Both edit the same draft with no network between them.
    da.set_field(
        draft.id.clone(),
        "note".into(),
        json!("phone A").to_string(),
    )
    .await
    .unwrap();
    db.set_field(
        draft.id.clone(),
        "note".into(),
        json!("phone B").to_string(),
    )
    .await
    .unwrap();
    assert_eq!(da.sync().await.unwrap().pushed, 1);
    let report = db.sync().await.unwrap();
    assert_eq!(report.conflict_copies, 1);

    let on_b = db.list().await.unwrap();
    let kept = on_b.iter().find(|d| d.id == draft.id).unwrap();
    let copy = on_b
        .iter()
        .find(|d| d.conflict_of.as_deref() == Some(draft.id.as_str()))
        .expect("a conflict copy");
    let note = |d: &Draft| serde_json::from_str::<Value>(&d.values_json).unwrap()["note"].clone();
    assert_eq!(note(kept), json!("phone A"));
    assert_eq!(note(copy), json!("phone B"));

    // Phone A learns of the copy too: nobody's edit is lost anywhere.
    da.sync().await.unwrap();
    let on_a = da.list().await.unwrap();
    assert!(on_a.iter().any(|d| note(d) == json!("phone B")));

    // Deleting travels too.
    da.delete(copy.id.clone()).await.unwrap();
    da.sync().await.unwrap();
    db.sync().await.unwrap();
    assert!(db.list().await.unwrap().iter().all(|d| d.id != copy.id));
}

#[tokio::test]
async fn the_platforms_verdict_comes_back_onto_the_draft() {
    // A phone holding an outdated form (here: one that no longer requires
    // a field) sends what the platform refuses; the platform's 422 puts the
    // field errors on the draft, which goes back to editing.
    let (server, _dir) = catalog_server(300).await;
    let t = signed_in_client(&server, &server.base_url()).await;
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.create(first_guide(&t.client).await).await.unwrap();
    fill_until_valid(&t.client, &drafts, &draft).await;
    let schema = drafts.schema(draft.id.clone()).await.unwrap();
    let required = schema
        .fields
        .iter()
        .find(|f| {
            f.required && f.visible_when.is_none() && !matches!(f.kind, FieldKind::Group { .. })
        })
        .unwrap()
        .key
        .clone();
    drafts
        .set_field(draft.id.clone(), required.clone(), "null".into())
        .await
        .unwrap();
    drop(drafts);

    let mut outdated = schema.clone();
    for field in &mut outdated.fields {
        if field.key == required {
            field.required = false;
        }
    }
    let catalog_db = rusqlite::Connection::open(t.dir.path().join("catalog.db")).unwrap();
    catalog_db
        .execute(
            "UPDATE form_schemas SET body = ?1 WHERE id = ?2",
            rusqlite::params![serde_json::to_string(&outdated).unwrap(), schema.id],
        )
        .unwrap();
    let dir = t.dir;
    let restarted = client_in(&server.base_url(), &dir, t.secrets.clone());
    let drafts = restarted.drafts().await.unwrap();
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let back = settled(&drafts, &draft.id).await;
    assert_eq!(back.state, DraftState::Editing);
    assert_eq!(back.platform_errors[0].path, required);
    assert_eq!(back.platform_errors[0].code.as_str(), "required");
    assert_eq!(drafts.outbox_status().await.unwrap().pending, 0);
    assert_eq!(applications_on_server(&server).await, 0);
    // Answering the field clears the platform's complaint about it.
    let field = schema.fields.iter().find(|f| f.key == required).unwrap();
    drafts
        .set_field(draft.id.clone(), required, valid(&field.kind).to_string())
        .await
        .unwrap();
    assert!(
        drafts
            .open(draft.id.clone())
            .await
            .unwrap()
            .platform_errors
            .is_empty()
    );
}
