//! Answering a supplement request (补正) through the drafts machinery,
//! against the reference server: the office asks for a material, the answer
//! is a draft with one slot per requested material, a material uploaded
//! into that slot through the materials queue fills it, and submitting
//! sends it through the outbox to the supplement endpoint, after which the
//! platform's application is under review with a `supplement_answered`
//! entry. Started twice it is one draft; sent again after an answer lost on
//! the way back (and a restart) it is one answer; unfilled it is Invalid;
//! an answer to a request that is no longer open is superseded with a
//! typed refusal, and the next request's answer takes over its materials.

mod common;

use std::time::{Duration, Instant};

use banshitong_core::Client;
use banshitong_core::Error;
use banshitong_core::drafts::{
    Draft, DraftState, Drafts, SubmitOutcome, SupplementDraftRequest, SupplementSlot,
    SupplementStatus,
};
use banshitong_core::materials::{AddMaterial, UploadState};
use banshitong_server::TestServer;
use common::proxy::{Mode, Proxy};
use common::*;
use serde_json::{Value, json};

const PHONE: &str = "13900005555";

/// A signed-in phone (talking to `api`) with one submitted application:
/// its number.
async fn applicant_with_application(server: &TestServer, api: &str) -> (TestClient, String) {
    let t = client_for(api);
    t.client.catalog().sync(None).await.unwrap();
    sign_in(server, &t.client, PHONE).await;
    let drafts = t.client.drafts().await.unwrap();
    let guide = all_guides(server).await.remove(0);
    let draft = drafts.create(guide.code).await.unwrap();
    fill_until_valid(&t.client, &drafts, &draft).await;
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let DraftState::Submitted { application_no } = settled(&drafts, &draft.id).await.state else {
        panic!("the application was not submitted")
    };
    (t, application_no)
}

/// `POST /dev/applications/{no}/advance`: the application after the step.
async fn advance(server: &TestServer, no: &str, step: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/dev/applications/{no}/advance",
            server.base_url()
        ))
        .json(&step)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "advance {step}: {status} {body}");
    body
}

/// Accepts the application (when new) and asks for a clearer photo.
async fn ask_for_photo(server: &TestServer, no: &str, accept_first: bool) -> Value {
    if accept_first {
        advance(server, no, json!({"action": "accept"})).await;
    }
    let app = advance(
        server,
        no,
        json!({
            "action": "request_supplement",
            "comment": "请补交清晰照片",
            "materials": [{"key": "photo", "name": "近期免冠照片", "reason": "照片模糊"}],
        }),
    )
    .await;
    assert_eq!(app["status"], "supplement_required");
    app
}

/// The request as the applications domain hands it to the drafts.
fn request_of(app: &Value) -> SupplementDraftRequest {
    let supplement = &app["supplement"];
    SupplementDraftRequest {
        application_no: app["application_no"].as_str().unwrap().to_owned(),
        request_seq: supplement["request_seq"].as_i64().unwrap(),
        guide_code: app["guide_code"].as_str().unwrap().to_owned(),
        guide_name: app["guide_name"].as_str().unwrap().to_owned(),
        comment: supplement["comment"].as_str().map(str::to_owned),
        slots: supplement["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| SupplementSlot {
                key: m["key"].as_str().unwrap().to_owned(),
                name: m["name"].as_str().unwrap_or_default().to_owned(),
                reason: m["reason"].as_str().unwrap_or_default().to_owned(),
            })
            .collect(),
    }
}

/// The application as the platform has it now (the applicant's own view).
async fn on_platform(server: &TestServer, t: &TestClient, no: &str) -> Value {
    let token = access_token(t.secrets.as_ref());
    reqwest::Client::new()
        .get(format!("{}/api/v1/applications/{no}", server.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Where the supplement answer `draft` stands.
async fn supplement_status(drafts: &Drafts, draft: &Draft) -> SupplementStatus {
    drafts
        .supplement(draft.id.clone())
        .await
        .unwrap()
        .expect("a supplement answer")
        .status
}

fn answers_in(app: &Value) -> usize {
    app["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "supplement_answered")
        .count()
}

/// Uploads a file the slot takes into the draft's slot through the
/// materials queue, and waits until the draft holds it.
async fn upload_into(client: &Client, drafts: &Drafts, draft: &Draft, slot_key: &str) -> String {
    let schema = drafts.schema(draft.id.clone()).await.unwrap();
    let slot = schema.slot(slot_key).expect("the answer has the slot");
    let files = tempfile::tempdir().unwrap();
    let (name, bytes) = if slot.accepts_file_type("pdf") {
        ("scan.pdf", common::materials::pdf_bytes(4096))
    } else {
        let pixels = common::photos::scene(480, 640, false);
        ("photo.jpg", common::photos::jpeg(&pixels, 85))
    };
    let path = files.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let materials = client.materials().await.unwrap();
    let item = materials
        .add(AddMaterial {
            draft_id: Some(draft.id.clone()),
            slot_key: Some(slot_key.to_owned()),
            ..AddMaterial::file(path.to_string_lossy())
        })
        .await
        .unwrap();
    let done = common::materials::finished(&materials, &item.id).await;
    let UploadState::Done { material_ref, .. } = done.state else {
        panic!("the material was not uploaded: {:?}", done.state)
    };
    let mut watch = drafts.watch_draft(draft.id.clone());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = tokio::time::timeout_at(deadline.into(), watch.next())
            .await
            .expect("the material reaches its slot")
            .unwrap();
        if now
            .materials
            .iter()
            .any(|f| f.slot_key == slot_key && f.material_refs.contains(&material_ref))
        {
            return material_ref;
        }
    }
}

#[tokio::test]
async fn a_supplement_round_is_answered_through_a_draft() {
    let (server, _dir) = catalog_server(300).await;
    let (t, no) = applicant_with_application(&server, &server.base_url()).await;
    let request = request_of(&ask_for_photo(&server, &no, true).await);
    let drafts = t.client.drafts().await.unwrap();

    // Started twice (here at the same time): one draft.
    let (a, b) = tokio::join!(
        drafts.start_supplement(request.clone()),
        drafts.start_supplement(request.clone())
    );
    let (draft, again) = (a.unwrap(), b.unwrap());
    assert_eq!(draft.id, again.id);
    assert_eq!(
        drafts.start_supplement(request.clone()).await.unwrap().id,
        draft.id
    );
    assert_eq!(
        drafts
            .list()
            .await
            .unwrap()
            .iter()
            .filter(|d| d.id == draft.id)
            .count(),
        1
    );
    let info = drafts.supplement(draft.id.clone()).await.unwrap().unwrap();
    assert_eq!(info.status, SupplementStatus::Open);
    assert_eq!(info.request, request);

    // Unfilled: Invalid, nothing queued.
    match drafts.submit(draft.id.clone()).await.unwrap() {
        SubmitOutcome::Invalid { errors } => assert_eq!(errors[0].path, "materials.photo"),
        other => panic!("{other:?}"),
    }
    assert_eq!(drafts.outbox_status().await.unwrap().pending, 0);

    let material_ref = upload_into(&t.client, &drafts, &draft, "photo").await;
    drafts
        .set_field(
            draft.id.clone(),
            "comment".into(),
            json!("已重新拍摄").to_string(),
        )
        .await
        .unwrap();
    assert!(drafts.validate(draft.id.clone()).await.unwrap().is_empty());
    // Ten presses at once queue one answer.
    let presses: Vec<_> = (0..10)
        .map(|_| {
            let (drafts, id) = (drafts.clone(), draft.id.clone());
            tokio::spawn(async move { drafts.submit(id).await.unwrap() })
        })
        .collect();
    for press in presses {
        assert!(matches!(
            press.await.unwrap(),
            SubmitOutcome::Queued | SubmitOutcome::AlreadySubmitted { .. }
        ));
    }
    let done = settled(&drafts, &draft.id).await;
    assert_eq!(
        done.state,
        DraftState::Submitted {
            application_no: no.clone()
        },
        "{:?} {:?}",
        done.submit_error,
        done.platform_errors
    );
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::AlreadySubmitted {
            application_no: no.clone()
        }
    );
    assert_eq!(
        supplement_status(&drafts, &draft).await,
        SupplementStatus::Answered
    );

    let app = on_platform(&server, &t, &no).await;
    assert_eq!(app["status"], "under_review");
    assert_eq!(answers_in(&app), 1);
    let answered = app["timeline"].as_array().unwrap().last().unwrap();
    assert_eq!(answered["kind"], "supplement_answered");
    assert!(
        answered["details"].to_string().contains(&material_ref),
        "the answer names the uploaded material: {answered}"
    );
    // Supplement answers are not shared through the drafts endpoint.
    drafts.sync().await.unwrap();
    assert!(
        drafts
            .list()
            .await
            .unwrap()
            .iter()
            .any(|d| d.id == draft.id),
        "the answer stays on this device"
    );
}

#[tokio::test]
async fn an_answer_lost_on_the_way_back_is_one_answer_after_a_restart() {
    let (server, _dir) = catalog_server(300).await;
    let proxy = Proxy::start(server.addr()).await;
    let (t, no) = applicant_with_application(&server, &proxy.url()).await;
    let request = request_of(&ask_for_photo(&server, &no, true).await);
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.start_supplement(request.clone()).await.unwrap();
    upload_into(&t.client, &drafts, &draft, "photo").await;

    // The platform takes the answer; its reply never arrives.
    proxy.set(Mode::DropResponses);
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    eventually("the answer reached the platform", async || {
        on_platform(&server, &t, &no).await["status"] == "under_review"
    })
    .await;
    assert_eq!(
        drafts.open(draft.id.clone()).await.unwrap().state,
        DraftState::Submitting
    );

    // The app is killed; offline, the restarted app still has the answer's
    // form (it never came from the network).
    proxy.set(Mode::Refuse);
    drop(drafts);
    let (dir, secrets) = (t.dir, t.secrets.clone());
    drop(t.client);
    let restarted = client_in(&proxy.url(), &dir, secrets.clone());
    let drafts = restarted.drafts().await.unwrap();
    let schema = drafts.schema(draft.id.clone()).await.unwrap();
    assert_eq!(schema.material_slots[0].key, "photo");
    assert!(drafts.validate(draft.id.clone()).await.unwrap().is_empty());

    // Back online: the same key again, answered with the first answer.
    proxy.set(Mode::Pass);
    drafts.network_available();
    let done = settled(&drafts, &draft.id).await;
    assert_eq!(
        done.state,
        DraftState::Submitted {
            application_no: no.clone()
        },
        "{:?}",
        done.submit_error
    );
    let t = TestClient {
        client: restarted,
        secrets,
        dir,
    };
    let app = on_platform(&server, &t, &no).await;
    assert_eq!(app["status"], "under_review");
    assert_eq!(answers_in(&app), 1, "the retry was answered, not repeated");
}

#[tokio::test]
async fn an_answer_to_a_request_no_longer_open_is_superseded() {
    let (server, _dir) = catalog_server(300).await;
    let (t, no) = applicant_with_application(&server, &server.base_url()).await;
    let first = request_of(&ask_for_photo(&server, &no, true).await);
    let drafts = t.client.drafts().await.unwrap();
    let stale = drafts.start_supplement(first.clone()).await.unwrap();
    let material_ref = upload_into(&t.client, &drafts, &stale, "photo").await;

    // Answered meanwhile from elsewhere (another phone, the web hall), and
    // the office asks again: this phone's answer is to a closed request.
    let token = access_token(t.secrets.as_ref());
    let elsewhere = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/applications/{no}/supplement",
            server.base_url()
        ))
        .bearer_auth(token)
        .header("idempotency-key", "answered-on-the-web")
        .json(&json!({
            "request_seq": first.request_seq,
            "materials": [{"slot_key": "photo", "material_refs": [material_ref]}],
        }))
        .send()
        .await
        .unwrap();
    assert!(elsewhere.status().is_success(), "{}", elsewhere.status());
    let second = request_of(&ask_for_photo(&server, &no, false).await);
    assert!(second.request_seq > first.request_seq);

    assert_eq!(
        drafts.submit(stale.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let back = settled(&drafts, &stale.id).await;
    assert_eq!(back.state, DraftState::Editing);
    assert!(back.submit_error.is_some());
    assert_eq!(
        supplement_status(&drafts, &stale).await,
        SupplementStatus::Superseded
    );
    assert!(matches!(
        drafts.submit(stale.id.clone()).await,
        Err(Error::Conflict { .. })
    ));
    assert_eq!(drafts.outbox_status().await.unwrap().pending, 0);

    // The current request's answer starts with what the stale one held.
    let current = drafts.start_supplement(second).await.unwrap();
    assert_ne!(current.id, stale.id);
    assert!(
        current
            .materials
            .iter()
            .any(|f| f.slot_key == "photo" && f.material_refs.contains(&material_ref))
    );
    assert_eq!(
        drafts.submit(current.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let done = settled(&drafts, &current.id).await;
    assert!(
        matches!(done.state, DraftState::Submitted { .. }),
        "{:?}",
        done.submit_error
    );
    let app = on_platform(&server, &t, &no).await;
    assert_eq!(app["status"], "under_review");
    assert_eq!(answers_in(&app), 2);
}

#[tokio::test]
async fn a_material_the_platform_does_not_hold_comes_back_onto_the_draft() {
    let (server, _dir) = catalog_server(300).await;
    let (t, no) = applicant_with_application(&server, &server.base_url()).await;
    let request = request_of(&ask_for_photo(&server, &no, true).await);
    let drafts = t.client.drafts().await.unwrap();
    let draft = drafts.start_supplement(request).await.unwrap();
    // Well-formed, so only the platform can tell it is nobody's upload.
    drafts
        .set_materials(draft.id.clone(), "photo".into(), vec!["m_not_mine".into()])
        .await
        .unwrap();
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let back = settled(&drafts, &draft.id).await;
    assert_eq!(back.state, DraftState::Editing);
    assert_eq!(back.platform_errors[0].path, "materials.photo", "{back:?}");
    assert_eq!(back.platform_errors[0].code.as_str(), "bad_material_ref");
    assert_eq!(drafts.outbox_status().await.unwrap().pending, 0);
    assert_eq!(
        supplement_status(&drafts, &draft).await,
        SupplementStatus::Open,
        "a refused answer can be fixed and sent again"
    );
    assert_eq!(
        on_platform(&server, &t, &no).await["status"],
        "supplement_required"
    );

    // Fixed with a real upload, it goes through.
    drafts
        .set_materials(draft.id.clone(), "photo".into(), Vec::new())
        .await
        .unwrap();
    upload_into(&t.client, &drafts, &draft, "photo").await;
    assert_eq!(
        drafts.submit(draft.id.clone()).await.unwrap(),
        SubmitOutcome::Queued
    );
    let done = settled(&drafts, &draft.id).await;
    assert!(
        matches!(done.state, DraftState::Submitted { .. }),
        "{:?} {:?}",
        done.submit_error,
        done.platform_errors
    );
    assert_eq!(
        on_platform(&server, &t, &no).await["status"],
        "under_review"
    );
}

#[tokio::test]
async fn a_request_no_answer_could_be_sent_for_is_refused() {
    let (server, _dir) = catalog_server(300).await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, PHONE).await;
    let drafts = t.client.drafts().await.unwrap();
    let request = SupplementDraftRequest {
        application_no: "YN-1".into(),
        request_seq: 1,
        guide_code: "GA001".into(),
        guide_name: "居民身份证换领".into(),
        comment: None,
        slots: Vec::new(),
    };
    assert!(matches!(
        drafts.start_supplement(request.clone()).await,
        Err(Error::InvalidInput { .. })
    ));
    let bad_number = SupplementDraftRequest {
        application_no: "../drafts".into(),
        slots: vec![SupplementSlot {
            key: "photo".into(),
            name: "照片".into(),
            reason: String::new(),
        }],
        ..request
    };
    assert!(matches!(
        drafts.start_supplement(bad_number).await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(drafts.list().await.unwrap().is_empty());
}
