//! The material library: type by content, the declared type and sha256,
//! one material per sha256, each user's own, the lookup that lets a client
//! skip an upload, the licences a user holds, and submissions naming only
//! what the applicant holds.

mod common;

use common::applications::{guide_for, held_materials, licences, submission, submit, valid_values};
use common::auth::{USCC, post_json};
use common::uploads::{
    Tus, dev_upload, files_in, header, jpeg, metadata, not_a_material, pdf, png, sha256_checksum,
    sha256_hex, start, start_signed_in, upload_id,
};
use common::{applications, assert_problem};
use reqwest::StatusCode;
use serde_json::json;

const PHONE: &str = "13800000001";
const OTHER_PHONE: &str = "13800000002";

#[tokio::test]
async fn a_png_declared_as_a_pdf_is_refused_when_complete_and_dropped() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = png(3000, 1);
    let url = tus.created_for(&file, "scan.pdf", "application/pdf").await;
    tus.patched(&url, 0, &file[..1500]).await;
    let last = tus.patch(&url, 1500, &file[1500..], None).await;
    let body = assert_problem(last, StatusCode::UNPROCESSABLE_ENTITY, "material-refused").await;
    assert_eq!(body["material_problem"], "type_mismatch");
    assert!(body["detail"].as_str().unwrap().contains("image/png"));
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
    assert!(tus.materials().await.is_empty());
    assert_eq!(files_in(&server, "uploads"), 0);
    assert_eq!(files_in(&server, "materials"), 0);
}

#[tokio::test]
async fn random_bytes_are_refused_at_the_first_chunk() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let file = not_a_material(20 * 1024 * 1024, 2);
    let url = tus
        .created(
            file.len() as u64,
            &metadata("photo.jpg", "image/jpeg", None),
        )
        .await;
    let first = tus.patch(&url, 0, &file[..1024 * 1024], None).await;
    let body = assert_problem(
        first,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    assert_eq!(body["material_problem"], "unsupported_type");
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);

    // Even a byte at a time: the third byte of "%PX" can't start a PDF.
    let url = tus.created(100, "").await;
    tus.patched(&url, 0, b"%P").await;
    let third = tus.patch(&url, 2, b"X", None).await;
    assert_problem(
        third,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
    assert!(tus.materials().await.is_empty());
}

#[tokio::test]
async fn bytes_that_are_not_the_declared_sha256_are_refused() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let file = jpeg(2000, 3);
    let url = tus
        .created(
            2000,
            &metadata("a.jpg", "image/jpeg", Some(&sha256_hex(b"something else"))),
        )
        .await;
    let response = tus
        .patch(&url, 0, &file, Some(&sha256_checksum(&file)))
        .await;
    let body = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "material-refused",
    )
    .await;
    assert_eq!(body["material_problem"], "sha256_mismatch");
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
    assert!(tus.materials().await.is_empty());
}

#[tokio::test]
async fn the_same_bytes_twice_are_one_material() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = pdf(50_000, 4);
    let (first_url, first) = tus.upload(&file, "application/pdf", 20_000).await;
    // Without a declared sha256, and in other chunks: still the same bytes.
    let url = tus
        .created(50_000, &metadata("again.pdf", "application/pdf", None))
        .await;
    let again = tus.patched(&url, 0, &file).await;
    assert_eq!(header(&again, "material-id"), first);
    assert_eq!(header(&tus.head(&first_url).await, "material-id"), first);

    let materials = tus.materials().await;
    assert_eq!(materials.len(), 1);
    assert_eq!(materials[0]["filename"], "file");
    assert_eq!(files_in(&server, "materials"), 1);
    assert_eq!(files_in(&server, "uploads"), 0);
}

#[tokio::test]
async fn the_library_is_newest_first_and_found_by_sha256() {
    let (server, _dir) = start().await;
    server.pause_clock();
    let tus = Tus::sign_in(&server, PHONE).await;
    let files = [jpeg(1000, 5), png(1000, 6), pdf(1000, 7)];
    let mut ids = Vec::new();
    for (file, mime) in files
        .iter()
        .zip(["image/jpeg", "image/png", "application/pdf"])
    {
        server.advance_clock(std::time::Duration::from_secs(1));
        ids.push(tus.upload(file, mime, 1000).await.1);
    }
    let materials = tus.materials().await;
    let listed: Vec<&str> = materials
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    let types: Vec<&str> = materials
        .iter()
        .map(|m| m["media_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["pdf", "png", "jpeg"]);

    let sha = sha256_hex(&files[1]);
    let (status, found) = tus.by_sha256(&sha).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found, materials[1]);
    let (status, _) = tus.by_sha256(&sha.to_uppercase()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, missing) = tus.by_sha256(&sha256_hex(b"nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing["type"],
        "https://banshitong.example/problems/not-found"
    );
    let (status, _) = tus.by_sha256("abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for (file, (id, mime)) in
        files.iter().zip(
            ids.iter()
                .zip(["image/jpeg", "image/png", "application/pdf"]),
        )
    {
        let content = tus.content(id).await;
        assert_eq!(content.status(), StatusCode::OK);
        assert_eq!(header(&content, "content-type"), mime);
        assert_eq!(header(&content, "content-length"), "1000");
        assert_eq!(content.bytes().await.unwrap().as_ref(), file.as_slice());
    }
}

#[tokio::test]
async fn uploads_and_materials_are_each_users_own() {
    let (server, _dir) = start().await;
    let owner = Tus::sign_in(&server, PHONE).await;
    let other = Tus::sign_in(&server, OTHER_PHONE).await;
    let file = jpeg(4000, 8);
    let (_, material_id) = owner.upload(&file, "image/jpeg", 4000).await;
    let unfinished = owner.created(4000, "").await;
    owner.patched(&unfinished, 0, &file[..1000]).await;

    assert_eq!(
        other.head(&unfinished).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .patch(&unfinished, 1000, &file[1000..], None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.delete(&unfinished).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(owner.offset(&unfinished).await, 1000);
    assert!(other.materials().await.is_empty());
    let (status, _) = other.by_sha256(&sha256_hex(&file)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.content(&material_id).await.status(),
        StatusCode::NOT_FOUND
    );

    // The same bytes from someone else are their own material.
    let (_, theirs) = other.upload(&file, "image/jpeg", 4000).await;
    assert_ne!(theirs, material_id);
    assert_eq!(owner.materials().await.len(), 1);
    assert_eq!(other.materials().await.len(), 1);
    assert_eq!(dev_upload(&server, &unfinished).await["offset"], 1000);
}

#[tokio::test]
async fn licences_come_with_verification_and_companies() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    assert!(licences(&server, &tus.token).await.is_empty());

    common::auth::verify_by_face(&server, &tus.token).await;
    let issued = licences(&server, &tus.token).await;
    let types: Vec<&str> = issued
        .iter()
        .map(|l| l["licence_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["居民身份证", "户口簿", "社会保障卡"]);
    for licence in &issued {
        assert!(licence["id"].as_str().unwrap().starts_with("lic_"));
        assert!(!licence["title"].as_str().unwrap().is_empty());
        assert!(!licence["issuer"].as_str().unwrap().is_empty());
    }
    let valid_until = issued[0]["valid_until"].as_str().unwrap();
    assert_eq!(valid_until.len(), 10, "{valid_until}");
    assert!(issued[1]["valid_until"].is_null());

    let added = post_json(
        &server,
        "/api/v1/me/companies",
        &tus.token,
        json!({"uscc": USCC, "name": "云南示例科技有限公司"}),
    )
    .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let now = licences(&server, &tus.token).await;
    assert_eq!(now.len(), 4);
    assert_eq!(now[..3], issued[..], "ids stay the same");
    assert_eq!(now[3]["licence_type"], "营业执照");
    assert_eq!(now[3]["title"], "营业执照（云南示例科技有限公司）");

    let other = Tus::sign_in(&server, OTHER_PHONE).await;
    assert!(licences(&server, &other.token).await.is_empty());
}

#[tokio::test]
async fn a_submission_names_only_materials_and_licences_the_applicant_holds() {
    let (server, _dir) = applications::start().await;
    let guide = guide_for(&server, "GA001.v1").await;
    let (token, _) = applications::user(&server, PHONE).await;
    let (other, _) = applications::user(&server, OTHER_PHONE).await;
    let mine = held_materials(&server, &token).await;
    let theirs = held_materials(&server, &other).await;

    let refused = |materials: serde_json::Value, key: &'static str| {
        let (server, token, guide) = (&server, &token, &guide);
        async move {
            let response = submit(
                server,
                token,
                Some(key),
                &submission(guide, valid_values(), &materials),
            )
            .await;
            assert_problem(
                response,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation-failed",
            )
            .await
        }
    };

    // Someone else's upload.
    let mut materials = mine.clone();
    materials[1]["material_refs"][1] = theirs[1]["material_refs"][0].clone();
    let problem = refused(materials, "k1").await;
    assert_eq!(
        problem["errors"],
        json!([{"path": "materials.household_register", "code": "bad_material_ref",
                "message": problem["errors"][0]["message"]}])
    );
    // A material that doesn't exist, and a licence not held.
    let mut materials = mine.clone();
    materials[1]["material_refs"] = json!(["mat_00000000000000000000000000000000"]);
    materials[0]["material_refs"] = json!(["licence:居民身份证:lic_000000000000000000000000"]);
    let problem = refused(materials, "k2").await;
    let paths: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["materials.id_card", "materials.household_register"]);
    // Another user's licence.
    let mut materials = mine.clone();
    materials[0] = theirs[0].clone();
    refused(materials, "k3").await;

    // The upload's id names its material too.
    let tus = Tus::with_token(&server, &token);
    let (upload_url, _) = tus.upload(&pdf(3000, 9), "application/pdf", 3000).await;
    let mut materials = mine.clone();
    materials[1]["material_refs"] = json!([upload_id(&upload_url)]);
    let accepted = submit(
        &server,
        &token,
        Some("k4"),
        &submission(&guide, valid_values(), &materials),
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}
