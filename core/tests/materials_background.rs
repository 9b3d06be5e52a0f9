//! The background entry point (`resume_pending`, for WorkManager and iOS
//! background tasks) and the queue view.

mod common;

use std::time::Duration;

use banshitong_core::materials::UploadState;
use common::materials::*;
use common::proxy::{Mode, Proxy};
use common::*;

#[tokio::test]
async fn a_background_run_uploads_everything_waiting() {
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13400000001").await;
    proxy.set(Mode::Refuse);
    let mut total = 0;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (item, bytes) = phone.add_pdf(&format!("{n}.pdf"), 700 * 1024).await;
        total += bytes.len() as u64;
        ids.push(item.id);
    }
    for id in &ids {
        retry_waiting(&phone.materials, id).await;
    }

    proxy.set(Mode::Pass);
    let report = phone
        .materials
        .resume_pending(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(report.finished, 3);
    assert_eq!(report.remaining, 0);
    assert_eq!(report.bytes_sent, total);
    assert!(!report.stopped_by_deadline);
    for id in &ids {
        let item = phone.materials.upload(id.clone()).await.unwrap();
        assert!(matches!(item.state, UploadState::Done { .. }));
    }
}

#[tokio::test]
async fn a_background_run_stops_cleanly_at_its_deadline() {
    let server = dev_server().await;
    let proxy = slow_proxy(&server, Duration::from_millis(40)).await;
    let phone = phone(&server, &proxy.url(), "13400000002").await;
    let (item, bytes) = phone.add_pdf("big.pdf", 8 * 1024 * 1024).await;

    let report = phone
        .materials
        .resume_pending(Duration::from_millis(500))
        .await
        .unwrap();
    assert!(report.stopped_by_deadline);
    assert_eq!(report.finished, 0);
    assert_eq!(report.remaining, 1);
    let stopped = phone.materials.upload(item.id.clone()).await.unwrap();
    assert_eq!(
        stopped.state,
        UploadState::Queued,
        "back in the queue, resumable"
    );
    assert_eq!(report.bytes_sent, stopped.sent_bytes);
    let offsets = |uploads: Vec<DevUpload>| uploads.iter().map(|u| u.offset).collect::<Vec<_>>();
    let held = offsets(dev_uploads(&server).await);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        offsets(dev_uploads(&server).await),
        held,
        "nothing more is sent after the run"
    );

    // The next run finishes it.
    let report = phone
        .materials
        .resume_pending(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(report.finished, 1);
    assert_eq!(report.remaining, 0);
    let done = phone.materials.upload(item.id.clone()).await.unwrap();
    assert_platform_holds(&server, &phone.secrets, &done, &bytes).await;
    assert_at_most_one_chunk_resent(&server).await;
}

#[tokio::test]
async fn the_queue_view_follows_every_item() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13400000003").await;
    let mut queue = phone.materials.watch_uploads();
    assert_eq!(queue.next().await.unwrap(), vec![]);
    let (first, _) = phone.add_pdf("first.pdf", 200 * 1024).await;
    let (second, _) = phone.add_pdf("second.pdf", 200 * 1024).await;
    let all_done = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let items = queue.next().await.unwrap();
            if items.len() == 2 && items.iter().all(|i| i.state.is_final()) {
                return items;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(all_done[0].id, second.id, "newest first");
    assert_eq!(all_done[1].id, first.id);
    assert_eq!(phone.materials.clear_finished().await.unwrap(), 2);
    let emptied = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if queue.next().await.unwrap().is_empty() {
                return;
            }
        }
    })
    .await;
    assert!(emptied.is_ok(), "the view empties");
}
