//! The "done when": through a network that cuts connections after
//! random byte counts and adds latency, 50 uploads of 1-8 MB all finish,
//! every material's bytes on the platform are the source's, and no cut
//! costs more than one chunk sent again.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::materials::*;
use common::proxy::{Faults, Mode, Proxy};
use common::*;
use rand::Rng;

const UPLOADS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_uploads_survive_a_network_that_keeps_cutting() {
    let server = dev_server().await;
    let proxy = Proxy::start(server.addr()).await;
    let phone = phone(&server, &proxy.url(), "13500000001").await;
    let mut rng = rand::rng();
    let mut sources = HashMap::new();
    let mut total = 0u64;
    let mut items = Vec::new();
    for n in 0..UPLOADS {
        let len = rng.random_range(1_000_000..=8_000_000);
        let (path, bytes) = write_pdf(phone.dir.path(), &format!("m{n}.pdf"), len);
        total += len as u64;
        let item = phone.add(&path).await;
        // The source can go: the queue keeps its own prepared copy.
        std::fs::remove_file(&path).unwrap();
        sources.insert(item.id.clone(), sha256_hex(&bytes));
        items.push(item);
        if n == 0 {
            // From the first upload on, the network is bad.
            proxy.set_faults(Faults {
                min_bytes_before_cut: 2 * CHUNK,
                max_bytes_before_cut: 6 * 1024 * 1024,
                latency: Duration::from_millis(2),
            });
            proxy.set(Mode::Faulty);
        }
    }

    for item in &items {
        let done = finished(&phone.materials, &item.id).await;
        let material = material_ref(&done);
        assert_eq!(
            content_sha256(&server, &phone.secrets, &material).await,
            sources[&item.id],
            "{} arrived intact",
            item.display_name
        );
    }

    let cuts = proxy.cuts();
    let uploads = dev_uploads(&server).await;
    assert_eq!(
        uploads.len(),
        UPLOADS,
        "one upload per file, none restarted"
    );
    assert!(uploads.iter().all(|u| u.finished));
    let sent: u64 = uploads.iter().map(|u| u.received_bytes).sum();
    let resent = sent - total;
    eprintln!(
        "{UPLOADS} uploads, {total} bytes, {cuts} cuts, {resent} bytes sent again ({:.1} KiB per cut)",
        resent as f64 / 1024.0 / cuts.max(1) as f64
    );
    assert!(cuts >= 10, "the network did cut ({cuts} cuts)");
    assert!(
        resent <= cuts * CHUNK,
        "{resent} bytes re-sent after {cuts} cuts: more than one chunk per cut"
    );
}
