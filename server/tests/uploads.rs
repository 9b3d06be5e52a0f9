//! tus 1.0.0 at `/api/v1/uploads/`: each status code and header the
//! protocol (and its creation, checksum, termination and expiration
//! extensions) asks for, over real HTTP.

mod common;

use common::uploads::{
    TUS, dev_upload, header, jpeg, metadata, pdf, png, sha1_checksum, sha256_checksum, sha256_hex,
    start, start_signed_in, upload_file,
};
use common::{assert_problem, client};
use reqwest::{Method, StatusCode};

const PHONE: &str = "13800000001";

#[tokio::test]
async fn options_advertises_version_extensions_size_and_checksums() {
    let (server, _dir) = start().await;
    let response = client()
        .request(
            Method::OPTIONS,
            format!("{}/api/v1/uploads/", server.base_url()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&response, "tus-resumable"), TUS);
    assert_eq!(header(&response, "tus-version"), TUS);
    let extensions: Vec<&str> = header(&response, "tus-extension").split(',').collect();
    for needed in ["creation", "checksum", "termination", "expiration"] {
        assert!(extensions.contains(&needed), "{needed} in {extensions:?}");
    }
    assert_eq!(
        header(&response, "tus-max-size"),
        (50 * 1024 * 1024).to_string()
    );
    let algorithms: Vec<&str> = header(&response, "tus-checksum-algorithm")
        .split(',')
        .collect();
    assert!(algorithms.contains(&"sha1") && algorithms.contains(&"sha256"));
}

#[tokio::test]
async fn a_request_without_tus_resumable_1_0_0_gets_412_with_the_versions() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    for version in [None, Some("0.2.2")] {
        let mut request = client()
            .post(tus.endpoint())
            .bearer_auth(&tus.token)
            .header("Upload-Length", 10);
        if let Some(version) = version {
            request = request.header("Tus-Resumable", version);
        }
        let response = request.send().await.unwrap();
        assert_eq!(header(&response, "tus-version"), TUS);
        assert_eq!(header(&response, "tus-resumable"), TUS);
        assert_problem(
            response,
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
        )
        .await;
    }
}

#[tokio::test]
async fn every_answer_carries_tus_resumable_errors_included() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    // No token: 401, still a tus answer.
    let response = client()
        .post(tus.endpoint())
        .header("Tus-Resumable", TUS)
        .header("Upload-Length", 10)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "tus-resumable"), TUS);
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let missing = format!("{}up_{}", tus.endpoint(), "0".repeat(32));
    for response in [
        tus.head(&missing).await,
        tus.patch(&missing, 0, b"x", None).await,
        tus.delete(&missing).await,
    ] {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&response, "tus-resumable"), TUS);
    }
}

#[tokio::test]
async fn creation_answers_201_with_location_and_an_http_date_expiry() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let response = tus
        .create(1000, &metadata("身份证.jpg", "image/jpeg", None))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, "tus-resumable"), TUS);
    let location = header(&response, "location");
    assert!(location.starts_with("/api/v1/uploads/up_"), "{location}");
    let expires = httpdate::parse_http_date(header(&response, "upload-expires")).unwrap();
    let in_a_day = std::time::SystemTime::now() + std::time::Duration::from_secs(24 * 3600);
    let off = in_a_day
        .duration_since(expires)
        .unwrap_or_else(|error| error.duration());
    assert!(off < std::time::Duration::from_secs(120), "{off:?}");
    assert!(header(&response, "upload-expires").ends_with(" GMT"));

    let url = tus.url(location);
    let response = tus.head(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "upload-offset"), "0");
    assert_eq!(header(&response, "upload-length"), "1000");
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert_eq!(header(&response, "tus-resumable"), TUS);
    assert!(header(&response, "upload-metadata").contains("filetype aW1hZ2UvanBlZw=="));
    httpdate::parse_http_date(header(&response, "upload-expires")).unwrap();
    assert!(response.headers().get("material-id").is_none());
}

#[tokio::test]
async fn creation_refuses_bad_lengths_and_metadata() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;

    let too_big = tus.create(50 * 1024 * 1024 + 1, "").await;
    assert_eq!(header(&too_big, "tus-resumable"), TUS);
    let body = assert_problem(too_big, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large").await;
    assert_eq!(body["material_problem"], "too_large");
    let at_max = tus.create(50 * 1024 * 1024, "").await;
    assert_eq!(at_max.status(), StatusCode::CREATED);

    let no_length = tus
        .request(Method::POST, &tus.endpoint())
        .send()
        .await
        .unwrap();
    assert_problem(no_length, StatusCode::BAD_REQUEST, "bad-request").await;
    let deferred = tus
        .request(Method::POST, &tus.endpoint())
        .header("Upload-Defer-Length", "1")
        .send()
        .await
        .unwrap();
    assert_problem(deferred, StatusCode::BAD_REQUEST, "bad-request").await;
    let empty = tus.create(0, "").await;
    let body = assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "material-refused").await;
    assert_eq!(body["material_problem"], "empty");

    let malformed = tus.create(10, "filename not-base64!").await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "bad-request").await;
    let bad_sha = tus
        .create(10, &metadata("a.pdf", "application/pdf", Some("abc")))
        .await;
    assert_problem(bad_sha, StatusCode::BAD_REQUEST, "bad-request").await;
    let gif = tus.create(10, &metadata("a.gif", "image/gif", None)).await;
    let body = assert_problem(
        gif,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    assert_eq!(body["material_problem"], "unsupported_type");
}

#[tokio::test]
async fn chunks_with_sha1_and_sha256_checksums_make_a_material() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = jpeg(300_000, 1);
    let url = tus.created_for(&file, "户口簿.jpg", "image/jpeg").await;

    let first = tus
        .patch(
            &url,
            0,
            &file[..100_000],
            Some(&sha1_checksum(&file[..100_000])),
        )
        .await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&first, "upload-offset"), "100000");
    assert_eq!(header(&first, "tus-resumable"), TUS);
    httpdate::parse_http_date(header(&first, "upload-expires")).unwrap();
    assert!(first.headers().get("material-id").is_none());
    assert_eq!(tus.offset(&url).await, 100_000);

    tus.patched(&url, 100_000, &file[100_000..200_000]).await;
    let last = tus
        .patch(
            &url,
            200_000,
            &file[200_000..],
            Some(&sha256_checksum(&file[200_000..])),
        )
        .await;
    assert_eq!(last.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&last, "upload-offset"), "300000");
    let material_id = header(&last, "material-id").to_owned();
    assert!(material_id.starts_with("mat_"));
    assert!(last.headers().get("upload-expires").is_none());

    let head = tus.head(&url).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "upload-offset"), "300000");
    assert_eq!(header(&head, "material-id"), material_id);
    assert!(head.headers().get("upload-expires").is_none());

    let materials = tus.materials().await;
    assert_eq!(materials.len(), 1);
    assert_eq!(materials[0]["id"], material_id.as_str());
    assert_eq!(materials[0]["sha256"], sha256_hex(&file));
    assert_eq!(materials[0]["size"], 300_000);
    assert_eq!(materials[0]["media_type"], "jpeg");
    assert_eq!(materials[0]["filename"], "户口簿.jpg");
    assert!(materials[0]["created_at_ms"].as_i64().unwrap() > 0);

    let content = tus.content(&material_id).await;
    assert_eq!(content.status(), StatusCode::OK);
    assert_eq!(header(&content, "content-type"), "image/jpeg");
    let bytes = content.bytes().await.unwrap();
    assert_eq!(sha256_hex(&bytes), sha256_hex(&file));

    let dev = dev_upload(&server, &url).await;
    assert_eq!(dev["finished"], true);
    assert_eq!(dev["patches"], 3);
    assert_eq!(dev["received_bytes"], 300_000);
    assert_eq!(dev["material_id"], material_id.as_str());
}

#[tokio::test]
async fn a_patch_at_the_wrong_offset_gets_409_and_changes_nothing() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let file = pdf(1000, 2);
    let url = tus
        .created(1000, &metadata("a.pdf", "application/pdf", None))
        .await;
    tus.patched(&url, 0, &file[..400]).await;
    for wrong in [0, 300, 500] {
        let response = tus.patch(&url, wrong, &file[wrong as usize..], None).await;
        assert_eq!(header(&response, "upload-offset"), "400");
        assert_eq!(header(&response, "tus-resumable"), TUS);
        let body = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
        assert_eq!(body["upload_offset"], 400);
    }
    assert_eq!(tus.offset(&url).await, 400);
    let done = tus.patched(&url, 400, &file[400..]).await;
    // The last chunk again (its answer lost on the way): the same answer.
    let again = tus.patched(&url, 1000, b"").await;
    assert_eq!(header(&again, "material-id"), header(&done, "material-id"));
    assert_eq!(tus.materials().await.len(), 1);
}

#[tokio::test]
async fn a_chunk_that_fails_its_checksum_gets_460_and_is_discarded() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = png(2000, 3);
    let url = tus.created_for(&file, "a.png", "image/png").await;
    tus.patched(&url, 0, &file[..1000]).await;
    let mut damaged = file[1000..].to_vec();
    damaged[10] ^= 0xFF;
    for checksum in [sha256_checksum(&file[1000..]), sha1_checksum(&file[1000..])] {
        let response = tus.patch(&url, 1000, &damaged, Some(&checksum)).await;
        assert_eq!(response.status().as_u16(), 460);
        assert_eq!(header(&response, "tus-resumable"), TUS);
        assert_problem(
            response,
            StatusCode::from_u16(460).unwrap(),
            "checksum-mismatch",
        )
        .await;
        assert_eq!(tus.offset(&url).await, 1000);
    }
    let dev = dev_upload(&server, &url).await;
    assert_eq!(
        dev["received_bytes"], 3000,
        "discarded bytes count as received"
    );
    assert_eq!(dev["patches"], 3);

    for bad in ["md5 XUFAKrxLKna5cZ2REBfFkg==", "sha256 !!", "sha256"] {
        let response = tus.patch(&url, 1000, &file[1000..], Some(bad)).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    let response = tus
        .patch(
            &url,
            1000,
            &file[1000..],
            Some(&sha256_checksum(&file[1000..])),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(tus.materials().await[0]["sha256"], sha256_hex(&file));
}

#[tokio::test]
async fn a_patch_needs_the_offset_stream_content_type_and_an_offset() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let url = tus.created(10, "").await;
    let response = tus
        .request(Method::PATCH, &url)
        .header("Content-Type", "application/octet-stream")
        .header("Upload-Offset", 0)
        .body(jpeg(10, 4))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "tus-resumable"), TUS);
    assert_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    let response = tus
        .request(Method::PATCH, &url)
        .header("Content-Type", "application/offset+octet-stream")
        .body(jpeg(10, 4))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    assert_eq!(tus.offset(&url).await, 0);
}

#[tokio::test]
async fn a_chunk_past_upload_length_gets_413() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let url = tus.created(100, "").await;
    let response = tus.patch(&url, 0, &jpeg(101, 5), None).await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large").await;
    assert_eq!(tus.offset(&url).await, 0);
}

#[tokio::test]
async fn termination_deletes_the_upload_and_its_bytes() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = jpeg(5000, 6);
    let url = tus.created(5000, "").await;
    tus.patched(&url, 0, &file[..2000]).await;
    let path = upload_file(&server, &url);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 2000);

    let response = tus.delete(&url).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&response, "tus-resumable"), TUS);
    assert!(!path.exists());
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        tus.patch(&url, 2000, &file[2000..], None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(tus.delete(&url).await.status(), StatusCode::NOT_FOUND);
}
