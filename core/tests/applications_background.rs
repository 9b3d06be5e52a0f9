//! A background run whose application sync fails for a reason other than
//! the network: the work the rest of the run did is still reported (with
//! `applications_synced: false`, so the scheduler runs again), and the
//! error itself comes back only when nothing else moved.

mod common;

use std::time::Duration;

use banshitong_core::Error;
use banshitong_core::materials::UploadState;
use common::materials::*;
use common::proxy::{Mode, Proxy};
use common::*;

const CHANGES: &str = "/api/v1/applications/changes";

#[tokio::test]
async fn a_failed_sync_keeps_the_uploads_the_run_finished() {
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13400000101").await;
    let apps = phone.client.applications().await.unwrap();
    // An upload left waiting by a network that refused it.
    proxy.set(Mode::Refuse);
    let (item, _) = phone.add_pdf("waiting.pdf", 300 * 1024).await;
    retry_waiting(&phone.materials, &item.id).await;
    proxy.set(Mode::Pass);

    inject_broken_body(&server, CHANGES, "malformed").await;
    let report = apps
        .background_sync(Duration::from_secs(30))
        .await
        .expect("the uploads the run finished are reported, not lost");
    assert_eq!(report.uploads_finished, 1);
    assert_eq!(report.uploads_remaining, 0);
    assert!(
        !report.applications_synced,
        "the scheduler learns the applications still need a run"
    );
    let done = phone.materials.upload(item.id.clone()).await.unwrap();
    assert!(matches!(done.state, UploadState::Done { .. }));

    // The next run, with the platform answering properly, syncs.
    let report = apps.background_sync(Duration::from_secs(30)).await.unwrap();
    assert!(report.applications_synced);
}

#[tokio::test]
async fn a_failed_sync_with_nothing_else_done_returns_its_error() {
    let server = dev_server().await;
    let phone = phone(&server, &server.base_url(), "13400000102").await;
    let apps = phone.client.applications().await.unwrap();

    inject_broken_body(&server, CHANGES, "malformed").await;
    let error = apps
        .background_sync(Duration::from_secs(30))
        .await
        .expect_err("the error is all the run has to say");
    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
}
