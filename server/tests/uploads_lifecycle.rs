//! What happens to an upload over time and under stress: expiry by the
//! server's clock (on access, by the periodic sweep, at start-up, by the
//! dev route), one PATCH at a time, bodies cut short, creation with data,
//! and the method override tus requires.

mod common;

use std::time::Duration;

use banshitong_server::{ServerConfig, TestServer};
use common::assert_problem;
use common::uploads::{
    TUS, Tus, dev_upload, expire_all, header, jpeg, metadata, pdf, sha256_checksum, sha256_hex,
    start, start_signed_in, start_with, upload_file, upload_id,
};
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PHONE: &str = "13800000001";
const DAY: Duration = Duration::from_secs(24 * 3600);

/// Polls `check` every 10 ms until it holds; fails after 10 s. For events
/// the server finishes on its own (a request whose client is gone, a
/// sweep), never for timing.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..1000 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test]
async fn an_upload_expires_a_day_after_its_last_patch() {
    let (server, _dir) = start().await;
    server.pause_clock();
    let tus = Tus::sign_in(&server, PHONE).await;
    let file = jpeg(3000, 1);
    let url = tus.created(3000, "").await;

    server.advance_clock(DAY - Duration::from_secs(3600));
    let response = tus.patched(&url, 0, &file[..1000]).await;
    let expires = httpdate::parse_http_date(header(&response, "upload-expires")).unwrap();
    // A PATCH gives the upload a new day.
    server.advance_clock(DAY - Duration::from_secs(60));
    let head = tus.head(&url).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        httpdate::parse_http_date(header(&head, "upload-expires")).unwrap(),
        expires
    );

    server.advance_clock(Duration::from_secs(61));
    for response in [
        tus.head(&url).await,
        tus.patch(&url, 1000, &file[1000..], None).await,
        tus.delete(&url).await,
    ] {
        assert_eq!(header(&response, "tus-resumable"), TUS);
        assert_eq!(response.status(), StatusCode::GONE);
    }
    let body = assert_problem(
        tus.patch(&url, 1000, &file[1000..], None).await,
        StatusCode::GONE,
        "gone",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn the_dev_route_expires_every_unfinished_upload_and_deletes_its_bytes() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = pdf(2000, 2);
    let unfinished = tus.created(2000, "").await;
    tus.patched(&unfinished, 0, &file[..500]).await;
    let untouched = tus.created(10, "").await;
    let (finished, material_id) = tus.upload(&file, "application/pdf", 700).await;

    assert_eq!(expire_all(&server).await, 2);
    for url in [&unfinished, &untouched] {
        assert_eq!(tus.head(url).await.status(), StatusCode::GONE);
        assert!(!upload_file(&server, url).exists());
        assert_eq!(dev_upload(&server, url).await["expired"], true);
    }
    let head = tus.head(&finished).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "material-id"), material_id);
    assert_eq!(expire_all(&server).await, 0);

    // Tombstones are forgotten after a week: then it is 404.
    server.advance_clock(8 * DAY);
    assert_eq!(expire_all(&server).await, 0);
}

#[tokio::test]
async fn the_periodic_sweep_deletes_expired_uploads_on_its_own() {
    let (server, _dir) = start_with(|config| ServerConfig {
        upload_sweep_interval: Duration::from_millis(20),
        ..config
    })
    .await;
    let tus = Tus::sign_in(&server, PHONE).await;
    let url = tus.created(2000, "").await;
    tus.patched(&url, 0, &jpeg(1000, 3)).await;
    let path = upload_file(&server, &url);
    assert!(path.exists());

    server.advance_clock(DAY + Duration::from_secs(1));
    eventually("the sweep removing the file", || async { !path.exists() }).await;
    assert_eq!(tus.head(&url).await.status(), StatusCode::GONE);
    assert_eq!(dev_upload(&server, &url).await["expired"], true);

    // A week later the sweep forgets the tombstone too.
    server.advance_clock(8 * DAY);
    eventually("the sweep forgetting the tombstone", || async {
        tus.head(&url).await.status() == StatusCode::NOT_FOUND
    })
    .await;
}

#[tokio::test]
async fn a_restart_removes_what_expired_while_down_and_stray_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        catalog_guides: 1,
        ..ServerConfig::new(dir.path(), true)
    };
    let server = TestServer::start(config.clone()).await.unwrap();
    let tus = Tus::sign_in(&server, PHONE).await;
    let expiring = tus.created(2000, "").await;
    tus.patched(&expiring, 0, &jpeg(1000, 4)).await;
    let living = tus.created(2000, "").await;
    tus.patched(&living, 0, &jpeg(1000, 5)).await;
    let (expiring_path, living_path) = (
        upload_file(&server, &expiring),
        upload_file(&server, &living),
    );
    server.shutdown().await;

    let conn = rusqlite::Connection::open(dir.path().join("platform.db")).unwrap();
    conn.execute(
        "UPDATE uploads SET expires_at_ms = 0 WHERE id = ?1",
        [upload_id(&expiring)],
    )
    .unwrap();
    drop(conn);
    let stray_upload = dir.path().join("uploads").join("up_left_by_a_crash");
    let stray_material = dir.path().join("materials").join("mat_left_by_a_crash");
    std::fs::write(&stray_upload, b"x").unwrap();
    std::fs::write(&stray_material, b"x").unwrap();

    let server = TestServer::start(config).await.unwrap();
    let tus = Tus::with_token(&server, &tus.token);
    assert!(!expiring_path.exists());
    assert!(!stray_upload.exists() && !stray_material.exists());
    assert!(living_path.exists());
    assert_eq!(
        tus.head(&tus.url(&path_of(&expiring))).await.status(),
        StatusCode::GONE
    );
    assert_eq!(tus.offset(&tus.url(&path_of(&living))).await, 1000);
    server.shutdown().await;
}

/// The path of an upload URL (the port changes with a restart).
fn path_of(url: &str) -> String {
    format!("/api/v1/uploads/{}", upload_id(url))
}

/// Starts a PATCH over a raw connection: headers and the first `sent` of
/// `declared` bytes. The server is then inside the PATCH, waiting for more.
async fn start_raw_patch(
    tus: &Tus,
    url: &str,
    offset: u64,
    declared: usize,
    first: &[u8],
    checksum: Option<&str>,
) -> TcpStream {
    let url = reqwest::Url::parse(url).unwrap();
    let mut stream = TcpStream::connect((url.host_str().unwrap(), url.port().unwrap()))
        .await
        .unwrap();
    let mut request = format!(
        "PATCH {} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nTus-Resumable: {TUS}\r\n\
         Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\n\
         Content-Length: {declared}\r\n",
        url.path(),
        url.host_str().unwrap(),
        tus.token
    );
    if let Some(checksum) = checksum {
        request.push_str(&format!("Upload-Checksum: {checksum}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

#[tokio::test]
async fn a_body_cut_short_keeps_what_arrived_unless_it_had_a_checksum() {
    let (server, _dir, tus) = start_signed_in(PHONE).await;
    let file = jpeg(10_000, 6);
    let url = tus.created_for(&file, "a.jpg", "image/jpeg").await;

    // Without a checksum: 6000 of 10000 bytes arrive, then the connection drops.
    let stream = start_raw_patch(&tus, &url, 0, 10_000, &file[..6000], None).await;
    drop(stream);
    eventually("the cut PATCH ending", || async {
        dev_upload(&server, &url).await["patches"] == 1
    })
    .await;
    assert_eq!(tus.offset(&url).await, 6000);

    // With a checksum: what arrived can't be checked, so none of it counts.
    let checksum = sha256_checksum(&file[6000..]);
    let stream = start_raw_patch(&tus, &url, 6000, 4000, &file[6000..8000], Some(&checksum)).await;
    drop(stream);
    eventually("the second cut PATCH ending", || async {
        dev_upload(&server, &url).await["patches"] == 2
    })
    .await;
    assert_eq!(tus.offset(&url).await, 6000);
    let dev = dev_upload(&server, &url).await;
    assert_eq!(dev["received_bytes"], 8000);

    let done = tus.patch(&url, 6000, &file[6000..], Some(&checksum)).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let material_id = header(&done, "material-id").to_owned();
    let bytes = tus.content(&material_id).await.bytes().await.unwrap();
    assert_eq!(sha256_hex(&bytes), sha256_hex(&file));
}

#[tokio::test]
async fn a_second_patch_while_one_is_in_progress_gets_409() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let file = jpeg(2000, 7);
    let wrong = sha256_checksum(b"not these bytes");
    // The first PATCH sends its headers and 100 bytes, then waits. A probe
    // sent before the server took the upload for it would take it itself
    // (its wrong checksum changes nothing, but the first PATCH might then
    // be the one refused), so such a round starts over with a new upload.
    let mut rounds = 0;
    let (url, mut first) = loop {
        rounds += 1;
        assert!(rounds <= 50, "the first PATCH never held its upload");
        let url = tus.created(2000, "").await;
        let first = start_raw_patch(&tus, &url, 0, 2000, &file[..100], None).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let probe = tus.patch(&url, 0, &file, Some(&wrong)).await;
        assert_eq!(header(&probe, "tus-resumable"), TUS);
        match probe.status() {
            StatusCode::CONFLICT => break (url, first),
            status => assert_eq!(status.as_u16(), 460),
        }
    };
    assert_eq!(
        tus.delete(&url).await.status(),
        StatusCode::CONFLICT,
        "termination waits a while, then gives up on a PATCH in progress"
    );

    first.write_all(&file[100..]).await.unwrap();
    let mut answer = vec![0; 1024];
    let read = first.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 204"), "{answer}");
    assert!(answer.contains("material-id: mat_"), "{answer}");
    assert_eq!(tus.offset(&url).await, 2000);
    assert_eq!(tus.materials().await.len(), 1);
}

#[tokio::test]
async fn creation_with_upload_stores_the_first_chunk() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let file = pdf(5000, 8);
    let post = |bytes: Vec<u8>, checksum: Option<String>| {
        let mut request = tus
            .request(Method::POST, &tus.endpoint())
            .header("Upload-Length", 5000)
            .header(
                "Upload-Metadata",
                metadata("x.pdf", "application/pdf", Some(&sha256_hex(&file))),
            )
            .header("Content-Type", "application/offset+octet-stream")
            .body(bytes);
        if let Some(checksum) = checksum {
            request = request.header("Upload-Checksum", checksum);
        }
        request.send()
    };

    let part = post(file[..2000].to_vec(), Some(sha256_checksum(&file[..2000])))
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::CREATED);
    assert_eq!(header(&part, "upload-offset"), "2000");
    httpdate::parse_http_date(header(&part, "upload-expires")).unwrap();
    let url = tus.url(header(&part, "location"));
    assert_eq!(tus.offset(&url).await, 2000);

    // A first chunk failing its checksum: the upload exists, at offset 0.
    let damaged = post(file[..2000].to_vec(), Some(sha256_checksum(b"other")))
        .await
        .unwrap();
    assert_eq!(damaged.status(), StatusCode::CREATED);
    assert_eq!(header(&damaged, "upload-offset"), "0");

    let whole = post(file.clone(), None).await.unwrap();
    assert_eq!(whole.status(), StatusCode::CREATED);
    assert_eq!(header(&whole, "upload-offset"), "5000");
    assert!(header(&whole, "material-id").starts_with("mat_"));
    assert!(whole.headers().get("upload-expires").is_none());

    let wrong = post(b"GIF89a and so on".to_vec(), None).await.unwrap();
    let body = assert_problem(
        wrong,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    assert_eq!(body["material_problem"], "unsupported_type");
}

#[tokio::test]
async fn x_http_method_override_is_the_method() {
    let (_server, _dir, tus) = start_signed_in(PHONE).await;
    let file = jpeg(1000, 9);
    let url = tus.created(1000, "").await;
    let patched = tus
        .request(Method::POST, &url)
        .header("X-HTTP-Method-Override", "PATCH")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .body(file[..400].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&patched, "upload-offset"), "400");
    let deleted = tus
        .request(Method::POST, &url)
        .header("X-HTTP-Method-Override", "DELETE")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
}
