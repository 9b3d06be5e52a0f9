//! Sign-in latency (SMS grant over loopback) and the cost of restoring a
//! session at start-up (`Client::new` with a stored session).
//!
//!     cargo bench -p banshitong-core --bench auth

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use banshitong_core::platform::MemorySecretStore;
use banshitong_core::{Client, ClientConfig};
use banshitong_server::TestServer;
use criterion::{Criterion, criterion_group, criterion_main};

// The integration tests' helpers (reference server, dev SMS outbox).
#[path = "../tests/common/mod.rs"]
mod common;
use common::sms_code as newest_code;

fn sign_in(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(TestServer::start_in_temp_dir(true))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(
        ClientConfig::new(server.base_url(), dir.path()),
        Arc::new(MemorySecretStore::new()),
    )
    .unwrap();
    // One SMS code per number per minute: every iteration uses a new number.
    let next_number = AtomicU64::new(0);

    c.bench_function("sign_in_with_sms (token grant + profile, loopback)", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let (client, server, next_number) = (&client, &server, &next_number);
            async move {
                let mut measured = Duration::ZERO;
                for _ in 0..iterations {
                    let n = next_number.fetch_add(1, Ordering::Relaxed);
                    let phone = format!("139{n:08}");
                    client.auth().send_sms_code(&phone).await.unwrap();
                    let code = newest_code(server, &phone).await;
                    let started = Instant::now();
                    client.auth().sign_in_with_sms(&phone, &code).await.unwrap();
                    measured += started.elapsed();
                }
                measured
            }
        })
    });
}

fn session_restore(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(TestServer::start_in_temp_dir(true))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::new());
    let config = ClientConfig::new(server.base_url(), dir.path());
    runtime.block_on(async {
        let client = Client::new(config.clone(), secrets.clone()).unwrap();
        client.auth().send_sms_code("13912340000").await.unwrap();
        let code = newest_code(&server, "13912340000").await;
        client
            .auth()
            .sign_in_with_sms("13912340000", &code)
            .await
            .unwrap();
    });

    c.bench_function("session restore at start-up (Client::new)", |b| {
        b.iter(|| Client::new(config.clone(), secrets.clone()).unwrap())
    });
}

criterion_group!(benches, sign_in, session_restore);
criterion_main!(benches);
