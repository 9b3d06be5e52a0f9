//! Never asking twice: a file the platform already holds and a slot an
//! issued licence satisfies send no bytes; finished materials go into
//! their draft's slot; the library shows offline.

mod common;

use banshitong_core::auth::Verification;
use banshitong_core::materials::{AddMaterial, MaterialProblem, Reuse, UploadState};
use banshitong_core::{Client, Error};
use banshitong_forms::{FormSchema, MaterialSlot};
use banshitong_server::TestServer;
use common::materials::*;
use common::*;

async fn verify(client: &Client, phone_number: &str) {
    client
        .auth()
        .verify_identity(Verification::BankCard {
            name: "张三丰".into(),
            id_number: "11010519491231002X".into(),
            card_number: "6222021234567894".into(),
            reserved_phone: phone_number.into(),
        })
        .await
        .unwrap();
}

/// A guide whose form has a slot `is_wanted` picks; the guide's code and the slot.
async fn guide_with_slot(
    server: &TestServer,
    is_wanted: impl Fn(&MaterialSlot) -> bool,
) -> (String, MaterialSlot) {
    for guide in all_guides(server).await {
        let Some(schema_id) = &guide.form_schema_id else {
            continue;
        };
        let form: FormSchema =
            reqwest::get(format!("{}/api/v1/forms/{schema_id}", server.base_url()))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        if let Some(slot) = form.material_slots.iter().find(|s| is_wanted(s)) {
            return (guide.code.clone(), slot.clone());
        }
    }
    panic!("no guide has such a slot");
}

#[tokio::test]
async fn a_file_the_platform_holds_is_not_sent_again() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13600000001").await;
    let (path, bytes) = write_pdf(phone.dir.path(), "a.pdf", 1024 * 1024);
    let first = phone.upload(&path).await;
    let upload_requests = requests_seen(&server, "/api/v1/uploads").await;

    let again = phone
        .materials
        .add(AddMaterial {
            display_name: Some("再次添加".into()),
            ..file(&path)
        })
        .await
        .unwrap();
    assert_eq!(
        again.state,
        UploadState::Done {
            material_ref: material_ref(&first),
            reuse: Reuse::SameFile
        }
    );
    assert_eq!(again.sha256, sha256_hex(&bytes));
    assert_eq!(again.sent_bytes, again.total_bytes);
    assert_eq!(
        requests_seen(&server, "/api/v1/uploads").await,
        upload_requests,
        "no tus request at all"
    );
    assert_eq!(dev_uploads(&server).await.len(), 1);
    assert!(prepared_files(phone.dir.path()).is_empty());
    assert_eq!(
        finished(&phone.materials, &again.id).await.state,
        again.state
    );
}

#[tokio::test]
async fn a_slot_an_issued_licence_satisfies_takes_the_licence() {
    let (server, _dir) = catalog_server(300).await;
    let phone = phone(&server, &server.base_url(), "13600000002").await;
    verify(&phone.client, "13600000002").await;
    phone.client.catalog().sync(None).await.unwrap();
    let (guide, slot) =
        guide_with_slot(&server, |s| s.licence_type.as_deref() == Some("居民身份证")).await;
    let drafts = phone.client.drafts().await.unwrap();
    let draft = drafts.create(guide).await.unwrap();
    let library = phone.materials.library().await.unwrap();
    let id_card = library
        .issued
        .iter()
        .find(|l| l.licence_type == "居民身份证")
        .expect("a verified person holds an ID card licence");

    let item = phone
        .materials
        .add(AddMaterial {
            draft_id: Some(draft.id.clone()),
            slot_key: Some(slot.key.clone()),
            // Never read: the licence makes the file unnecessary.
            ..AddMaterial::file("/nonexistent/scan.jpg")
        })
        .await
        .unwrap();
    let expected = format!("licence:居民身份证:{}", id_card.id);
    assert_eq!(
        item.state,
        UploadState::Done {
            material_ref: expected.clone(),
            reuse: Reuse::Licence
        }
    );
    assert!(dev_uploads(&server).await.is_empty(), "nothing uploaded");
    let draft = drafts.open(draft.id.clone()).await.unwrap();
    let fill = draft
        .materials
        .iter()
        .find(|f| f.slot_key == slot.key)
        .expect("the slot is filled");
    assert_eq!(fill.material_refs, vec![expected]);
}

#[tokio::test]
async fn a_finished_upload_fills_its_draft_slot_and_wrong_types_are_refused() {
    let (server, _dir) = catalog_server(300).await;
    let phone = phone(&server, &server.base_url(), "13600000003").await;
    phone.client.catalog().sync(None).await.unwrap();
    let (guide, slot) = guide_with_slot(&server, |s| {
        s.licence_type.is_none() && s.accepts_file_type("pdf") && s.max_count <= 5
    })
    .await;
    let drafts = phone.client.drafts().await.unwrap();
    let draft = drafts.create(guide).await.unwrap();
    let for_slot = |path: &std::path::Path| AddMaterial {
        draft_id: Some(draft.id.clone()),
        slot_key: Some(slot.key.clone()),
        ..file(path)
    };

    // One file more than the slot takes: the oldest makes room.
    let mut refs = Vec::new();
    for n in 0..=slot.max_count {
        let (path, _) = write_pdf(phone.dir.path(), &format!("page{n}.pdf"), 200 * 1024);
        let item = phone.materials.add(for_slot(&path)).await.unwrap();
        refs.push(material_ref(&finished(&phone.materials, &item.id).await));
    }
    let draft_now = drafts.open(draft.id.clone()).await.unwrap();
    let fill = draft_now
        .materials
        .iter()
        .find(|f| f.slot_key == slot.key)
        .unwrap();
    assert_eq!(fill.material_refs, refs[1..].to_vec());

    // A slot that takes no PDF refuses one, before anything is queued.
    let (guide, photo_slot) = guide_with_slot(&server, |s| {
        s.licence_type.is_none() && !s.accepts_file_type("pdf")
    })
    .await;
    let photo_draft = drafts.create(guide).await.unwrap();
    let (pdf, _) = write_pdf(phone.dir.path(), "third.pdf", 10 * 1024);
    let refused = phone
        .materials
        .add(AddMaterial {
            draft_id: Some(photo_draft.id.clone()),
            slot_key: Some(photo_slot.key.clone()),
            ..file(&pdf)
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::BadMaterial {
                problem: MaterialProblem::UnsupportedType,
                ..
            }
        ),
        "{refused}"
    );
    assert_eq!(
        phone.materials.uploads().await.unwrap().len(),
        slot.max_count as usize + 1
    );
    assert!(prepared_files(phone.dir.path()).is_empty());

    // A slot the form does not have, or half a target, is refused too.
    let no_slot = phone
        .materials
        .add(AddMaterial {
            draft_id: Some(draft.id.clone()),
            slot_key: Some("no_such_slot".into()),
            ..file(&pdf)
        })
        .await
        .unwrap_err();
    assert!(matches!(no_slot, Error::InvalidInput { .. }), "{no_slot}");
    let half = phone
        .materials
        .add(AddMaterial {
            draft_id: Some(draft.id.clone()),
            ..file(&pdf)
        })
        .await
        .unwrap_err();
    assert!(matches!(half, Error::InvalidInput { .. }), "{half}");
}

#[tokio::test]
async fn unreadable_files_get_clear_errors_and_queue_nothing() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13600000004").await;
    let missing = phone
        .materials
        .add(file(&phone.dir.path().join("missing.jpg")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            missing,
            Error::BadMaterial {
                problem: MaterialProblem::Unreadable,
                ..
            }
        ),
        "{missing}"
    );
    let renamed = phone.dir.path().join("not-really.pdf");
    std::fs::write(&renamed, b"\x89PNG\r\n\x1a\n not a pdf at all").unwrap();
    assert!(matches!(
        phone.materials.add(file(&renamed)).await,
        Err(Error::BadMaterial { .. })
    ));
    assert!(phone.materials.uploads().await.unwrap().is_empty());
    assert!(prepared_files(phone.dir.path()).is_empty());
}

#[tokio::test]
async fn the_library_shows_offline_what_the_platform_last_said() {
    use common::proxy::{Mode, Proxy};
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13600000005").await;
    let (path, _) = write_pdf(phone.dir.path(), "a.pdf", 100 * 1024);
    let done = phone.upload(&path).await;
    let online = phone.materials.library().await.unwrap();
    assert_eq!(online.mine.len(), 1);
    assert_eq!(online.mine[0].id, material_ref(&done));
    assert_eq!(online.mine[0].filename, "a.pdf");

    proxy.set(Mode::Refuse);
    let offline = phone.materials.library().await.unwrap();
    assert_eq!(offline, online);
}
