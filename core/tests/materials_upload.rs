//! The upload queue against the reference server: progress, pause and
//! resume, cancel, and the library.

mod common;
mod materials_common;

use std::time::{Duration, Instant};

use banshitong_core::materials::{AddMaterial, MediaType, Reuse, UploadState};
use common::*;
use materials_common::*;

#[tokio::test]
async fn a_pdf_goes_up_with_progress_and_lands_in_the_library() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13700000001").await;
    let (path, bytes) = write_pdf(phone.dir.path(), "户口簿.pdf", 3 * 1024 * 1024 + 77);
    let started = Instant::now();

    let item = phone
        .materials
        .add(AddMaterial::file(path.to_string_lossy()))
        .await
        .unwrap();
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
