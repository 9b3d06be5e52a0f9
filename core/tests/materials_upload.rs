//! The upload queue against the reference server: progress, pause and
//! resume, cancel, and the library.

mod common;

use std::time::{Duration, Instant};

use banshitong_core::materials::{AddMaterial, MediaType, Reuse, UploadState};
use common::materials::*;
use common::*;

#[tokio::test]
async fn a_pdf_goes_up_with_progress_and_lands_in_the_library() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13700000001").await;
    let (path, bytes) = write_pdf(phone.dir.path(), "户口簿.pdf", 3 * 1024 * 1024 + 77);
    let started = Instant::now();

    let item = phone.add(&path).await;
    assert_eq!(item.media_type, MediaType::Pdf);
    assert_eq!(item.sha256, sha256_hex(&bytes));
    assert_eq!(item.total_bytes, bytes.len() as u64);
    assert_eq!(item.display_name, "户口簿.pdf");

    let mut watch = phone.materials.watch_upload(item.id.clone()).await.unwrap();
    let mut events = Vec::new();
    let last = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let progress = watch.next().await.unwrap();
            events.push(progress.clone());
            if progress.state.is_final() {
                return progress;
            }
        }
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    let UploadState::Done {
        material_ref,
        reuse,
    } = &last.state
    else {
        panic!("{:?}", last.state)
    };
    assert_eq!(*reuse, Reuse::Uploaded);
    assert!(
        events
            .windows(2)
            .all(|w| w[0].sent_bytes <= w[1].sent_bytes),
        "progress never goes back"
    );
    assert_eq!(last.sent_bytes, bytes.len() as u64);
    // A few updates a second, plus the state changes.
    let allowed = 6 + (elapsed.as_secs_f64() * 4.0).ceil() as usize;
    assert!(
        events.len() <= allowed,
        "{} events in {elapsed:?}",
        events.len()
    );

    assert_eq!(
        content_sha256(&server, &phone.secrets, material_ref).await,
        sha256_hex(&bytes)
    );
    let library = phone.materials.library().await.unwrap();
    assert!(library.mine.iter().any(|m| &m.id == material_ref));
    assert!(
        prepared_files(phone.dir.path()).is_empty(),
        "prepared file deleted"
    );
    let uploads = dev_uploads(&server).await;
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        uploads[0].received_bytes,
        bytes.len() as u64,
        "no byte sent twice"
    );
}

#[tokio::test]
async fn pause_stops_where_it_is_and_resume_goes_on_from_there() {
    let server = dev_server().await;
    let proxy = slow_proxy(&server, Duration::from_millis(40)).await;
    let phone = phone(&server, &proxy.url(), "13700000002").await;
    let (item, bytes) = phone.add_pdf("a.pdf", 8 * 1024 * 1024).await;
    progress_until(&phone.materials, &item.id, |p| p.sent_bytes >= 2 * CHUNK).await;

    let paused = phone.materials.pause(item.id.clone()).await.unwrap();
    assert_eq!(paused.state, UploadState::Paused);
    let held = only_upload(&server).await;
    assert!(!held.finished);
    assert!(paused.sent_bytes <= held.offset);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        only_upload(&server).await.offset,
        held.offset,
        "nothing sent while paused"
    );
    assert_eq!(
        phone.materials.upload(item.id.clone()).await.unwrap().state,
        UploadState::Paused
    );

    let resumed = phone.materials.resume(item.id.clone()).await.unwrap();
    assert!(!resumed.state.is_final());
    let done = finished(&phone.materials, &item.id).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
    // Pausing re-sent at most the chunk it abandoned.
    assert_at_most_one_chunk_resent(&server).await;
}

#[tokio::test]
async fn cancel_tells_the_platform_to_drop_the_upload() {
    let server = dev_server().await;
    let proxy = slow_proxy(&server, Duration::from_millis(40)).await;
    let phone = phone(&server, &proxy.url(), "13700000003").await;
    let (item, _) = phone.add_pdf("a.pdf", 8 * 1024 * 1024).await;
    progress_until(&phone.materials, &item.id, |p| p.sent_bytes >= CHUNK).await;
    assert_eq!(dev_uploads(&server).await.len(), 1);

    let cancelled = phone.materials.cancel(item.id.clone()).await.unwrap();
    assert_eq!(cancelled.state, UploadState::Cancelled);
    assert!(dev_uploads(&server).await.is_empty(), "no upload left");
    assert!(
        prepared_files(phone.dir.path()).is_empty(),
        "prepared file deleted"
    );
    // Cancelling again, or resuming, changes nothing.
    assert_eq!(
        phone.materials.cancel(item.id.clone()).await.unwrap().state,
        UploadState::Cancelled
    );
    assert_eq!(
        phone.materials.resume(item.id.clone()).await.unwrap().state,
        UploadState::Cancelled
    );
    assert_eq!(phone.materials.clear_finished().await.unwrap(), 1);
    assert!(phone.materials.uploads().await.unwrap().is_empty());
}

#[tokio::test]
async fn added_offline_it_goes_up_when_the_network_returns() {
    use common::proxy::{Mode, Proxy};
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13700000004").await;

    proxy.set(Mode::Refuse);
    let (item, bytes) = phone.add_pdf("a.pdf", 1024 * 1024).await;
    assert_eq!(item.state, UploadState::Queued, "queued without a network");
    let waiting = retry_waiting(&phone.materials, &item.id).await;
    let UploadState::RetryWaiting {
        attempts,
        next_attempt_at_ms,
        ..
    } = waiting.state
    else {
        unreachable!()
    };
    assert_eq!(attempts, 1);
    assert!(next_attempt_at_ms > 0);
    assert!(dev_uploads(&server).await.is_empty());

    proxy.set(Mode::Pass);
    phone.materials.network_available();
    let done = finished(&phone.materials, &item.id).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
}

#[tokio::test]
async fn an_expired_upload_starts_over_cleanly() {
    use common::proxy::{Mode, Proxy};
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13700000005").await;
    // Half way, the network goes; meanwhile the platform lets the upload expire.
    proxy.go_offline_after(1024 * 1024);
    let (item, bytes) = phone.add_pdf("a.pdf", 2 * 1024 * 1024).await;
    retry_waiting(&phone.materials, &item.id).await;
    assert!(only_upload(&server).await.offset > 0);
    assert_eq!(expire_uploads(&server).await, 1);

    proxy.set(Mode::Pass);
    phone.materials.resume(item.id.clone()).await.unwrap();
    let done = finished(&phone.materials, &item.id).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
    let uploads = dev_uploads(&server).await;
    assert_eq!(uploads.len(), 2, "{uploads:?}");
    assert!(uploads[0].expired && !uploads[0].finished);
    assert!(uploads[1].finished);
    assert_eq!(
        uploads[1].received_bytes,
        bytes.len() as u64,
        "sent once, from zero"
    );
}

#[tokio::test]
async fn an_access_token_expiring_mid_upload_is_refreshed() {
    let server = dev_server().await;
    let proxy = slow_proxy(&server, Duration::from_millis(30)).await;
    let phone = phone(&server, &proxy.url(), "13700000006").await;
    let refreshes_before = refresh_grants(&server).await;
    let (item, bytes) = phone.add_pdf("a.pdf", 8 * 1024 * 1024).await;
    progress_until(&phone.materials, &item.id, |p| p.sent_bytes >= CHUNK).await;
    expire_access_tokens(&server).await;

    let done = finished(&phone.materials, &item.id).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
    assert!(
        refresh_grants(&server).await > refreshes_before,
        "the token was refreshed"
    );
    assert_at_most_one_chunk_resent(&server).await;
}

#[tokio::test]
async fn a_file_the_platform_refuses_fails_with_its_reason() {
    use common::proxy::{Mode, Proxy};
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13700000007").await;
    // Queued while offline; then the prepared file is damaged on disk, so
    // the whole-file check at the end fails on the platform (422).
    proxy.set(Mode::Refuse);
    let (item, _) = phone.add_pdf("a.pdf", 1024 * 1024).await;
    phone.materials.pause(item.id.clone()).await.unwrap();
    let prepared = prepared_files(phone.dir.path());
    assert_eq!(prepared.len(), 1);
    std::fs::write(&prepared[0], pdf_bytes(1024 * 1024)).unwrap();
    proxy.set(Mode::Pass);
    phone.materials.resume(item.id.clone()).await.unwrap();

    let failed = finished(&phone.materials, &item.id).await;
    let UploadState::Failed { reason } = &failed.state else {
        panic!("{:?}", failed.state)
    };
    assert!(!reason.is_empty());
    assert!(
        prepared_files(phone.dir.path()).is_empty(),
        "prepared file deleted"
    );
    assert!(phone.materials.library().await.unwrap().mine.is_empty());
}

#[tokio::test]
async fn a_file_over_the_platform_limit_fails_at_creation() {
    let dir = tempfile::tempdir().unwrap();
    let server = banshitong_server::TestServer::start(banshitong_server::ServerConfig {
        max_material_bytes: 512 * 1024,
        ..banshitong_server::ServerConfig::new(dir.path(), true)
    })
    .await
    .unwrap();
    let phone = phone(&server, &server.base_url(), "13700000008").await;
    let (path, _) = write_pdf(phone.dir.path(), "big.pdf", 1024 * 1024);
    let failed = phone.upload(&path).await;
    assert!(
        matches!(failed.state, UploadState::Failed { .. }),
        "{:?}",
        failed.state
    );
    assert!(dev_uploads(&server).await.is_empty());
}

#[tokio::test]
async fn a_restarted_app_resumes_from_the_platform_offset() {
    use common::proxy::{Mode, Proxy};
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let first = phone(&server, &proxy.url(), "13700000009").await;
    // The network goes a third of the way in; the app is closed while the
    // upload waits for it.
    proxy.go_offline_after(1024 * 1024);
    let (item, bytes) = first.add_pdf("a.pdf", 3 * 1024 * 1024).await;
    retry_waiting(&first.materials, &item.id).await;
    let held = only_upload(&server).await;
    assert!(held.offset > 0 && !held.finished);
    let materials_phone = first.dir;
    let secrets = first.secrets;
    drop(first.materials);
    drop(first.client);

    proxy.set(Mode::Pass);
    let client = client_at(&proxy.url(), materials_phone.path(), secrets.clone());
    let materials = client.materials().await.unwrap();
    let done = finished(&materials, &item.id).await;
    assert_platform_holds(&server, &secrets, &done, &bytes).await;
    assert_at_most_one_chunk_resent(&server).await;
}

#[tokio::test]
async fn damaged_chunks_offset_mismatches_and_a_busy_platform_are_ridden_out() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13700000010").await;
    // Upload URLs are /api/v1/uploads/up_…: faults there hit the PATCHes
    // and HEADs, not the creation.
    let uploads = "/api/v1/uploads/up_";

    // Two damaged chunks are sent again; then an offset mismatch is
    // settled by asking (HEAD).
    let (path, bytes) = write_pdf(phone.dir.path(), "a.pdf", 1024 * 1024);
    inject_fault(&server, uploads, 460, 2, None).await;
    inject_fault(&server, uploads, 409, 1, None).await;
    let done = phone.upload(&path).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
    assert_eq!(
        requests_seen(&server, uploads).await,
        4 + 3 + 1,
        "4 chunks, 3 again, 1 HEAD"
    );

    // A busy platform: the upload waits as long as it asked.
    // (Three seconds: longer than the first back-off would be.)
    inject_fault(&server, uploads, 503, 1, Some(3)).await;
    let (item, bytes) = phone.add_pdf("b.pdf", 1024 * 1024).await;
    let waiting = progress_until(&phone.materials, &item.id, |p| {
        matches!(p.state, UploadState::RetryWaiting { .. }) || p.state.is_final()
    })
    .await;
    let UploadState::RetryWaiting {
        next_attempt_at_ms,
        last_error,
        ..
    } = &waiting.state
    else {
        panic!("{:?}", waiting.state)
    };
    let wait_ms = next_attempt_at_ms - now_ms();
    assert!(
        (1500..=3000).contains(&wait_ms),
        "Retry-After: 3 honoured ({wait_ms} ms): {last_error}"
    );
    let done = finished(&phone.materials, &item.id).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn signing_out_stops_uploads_and_signing_back_in_resumes_them() {
    let server = dev_server().await;
    let proxy = slow_proxy(&server, Duration::from_millis(40)).await;
    let phone = phone(&server, &proxy.url(), "13700000011").await;
    // The SMS code is throttled per minute: coming back is by password.
    let password = "Upload-test-2024";
    phone
        .client
        .auth()
        .set_password(password, None)
        .await
        .unwrap();
    let (item, bytes) = phone.add_pdf("a.pdf", 8 * 1024 * 1024).await;
    progress_until(&phone.materials, &item.id, |p| p.sent_bytes >= CHUNK).await;

    phone.client.auth().sign_out(false).await.unwrap();
    let stopped = progress_until(&phone.materials, &item.id, |p| {
        p.state == UploadState::Queued
    })
    .await;
    let held = only_upload(&server).await;
    assert!(!held.finished && stopped.sent_bytes <= held.offset);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        only_upload(&server).await.offset,
        held.offset,
        "nothing sent signed out"
    );

    // Someone else signs in on the phone: nothing of the first user's goes up.
    sign_in(&server, &phone.client, "13700000012").await;
    let other = phone.client.materials().await.unwrap();
    assert!(other.uploads().await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(only_upload(&server).await.offset, held.offset);
    phone.client.auth().sign_out(false).await.unwrap();

    phone
        .client
        .auth()
        .sign_in_with_password("13700000011", password)
        .await
        .unwrap();
    let materials = phone.client.materials().await.unwrap();
    let done = finished(&materials, &item.id).await;
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
    assert_at_most_one_chunk_resent(&server).await;
}

#[tokio::test]
async fn signing_out_with_a_wipe_deletes_the_waiting_files() {
    use common::proxy::{Mode, Proxy};
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13700000013").await;
    proxy.set(Mode::Refuse);
    phone.add_pdf("a.pdf", 100 * 1024).await;
    assert_eq!(prepared_files(phone.dir.path()).len(), 1);
    phone.client.auth().sign_out(true).await.unwrap();
    assert!(prepared_files(phone.dir.path()).is_empty());
}

#[tokio::test]
async fn a_sideways_phone_photo_goes_up_upright_small_and_without_metadata() {
    use common::photos;
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13700000014").await;
    let upright = photos::scene(3000, 2000, true);
    let path = phone.dir.path().join("IMG_0001.jpg");
    std::fs::write(&path, photos::phone_jpeg(&upright, 6, 92)).unwrap();

    let item = phone
        .materials
        .add(AddMaterial {
            max_side_px: Some(1200),
            ..AddMaterial::file(path.to_string_lossy())
        })
        .await
        .unwrap();
    assert_eq!(item.media_type, MediaType::Jpeg);
    let done = finished(&phone.materials, &item.id).await;
    let content = material_content(&server, &*phone.secrets, &material_ref(&done)).await;
    assert_eq!(sha256_hex(&content), item.sha256);
    let markers: Vec<u8> = photos::jpeg_segments(&content)
        .iter()
        .map(|(marker, _)| *marker)
        .collect();
    assert!(
        !markers
            .iter()
            .any(|m| (0xE1..=0xEF).contains(m) || *m == 0xFE),
        "no EXIF, XMP or comment went up: {markers:x?}"
    );
    let photo = image::load_from_memory(&content).unwrap();
    assert_eq!(
        (photo.width(), photo.height()),
        (1200, 800),
        "upright, fitted"
    );
}
