//! Application status (issue 9's figures), against the reference server on
//! loopback:
//!
//!     cargo bench -p banshitong-core --bench applications
//!
//! - Sync of 1,000 applications with 10 timeline entries each into a clean
//!   personal database: the platform's change feed (five pages of 200),
//!   decoded and written into the encrypted database. The applications are
//!   made with the development route `POST /dev/applications/seed`; each
//!   run is a new installation (a fresh data folder signed in by password,
//!   not timed), so every run starts from nothing. Printed (median, min,
//!   max over `BST_BENCH_RUNS` runs, default 5) and measured by criterion.
//! - Latency from a status change on the platform to the app's listener:
//!   the app in the foreground (live Server-Sent Events connection), one
//!   `watch(no)` subscription per application, and the platform's office
//!   advancing 50 applications through the happy path (accepted, under
//!   review, decided, completed, delivered: 250 changes). Measured from
//!   the moment the development route `POST /dev/applications/{no}/advance`
//!   is sent (the change is made during that request, so this is an upper
//!   bound) to the moment the subscription hands over the new version;
//!   median and p99 printed, with the route's own round trip for scale.

use std::time::{Duration, Instant};

use banshitong_core::applications::{ApplicationStatus, LiveState};
use banshitong_server::TestServer;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use tokio::sync::mpsc;

#[path = "../tests/common/mod.rs"]
mod common;
use common::applications::{advance_with, held_numbers, live_until, seed};

const PHONE_SYNC: &str = "13900009001";
const PHONE_LIVE: &str = "13900009002";
const PASSWORD: &str = "Dianchi-2026-bench";
const APPLICATIONS: usize = 1_000;
const ENTRIES: usize = 10;
/// Applications advanced for the latency figure; 5 changes each.
const ADVANCED: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn runs() -> usize {
    std::env::var("BST_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(5)
}

/// A new installation signed in as the sync user: nothing held locally.
async fn fresh_install(server: &TestServer) -> common::TestClient {
    let t = common::client_for(&server.base_url());
    t.client
        .auth()
        .sign_in_with_password(PHONE_SYNC, PASSWORD)
        .await
        .expect("password sign-in");
    t
}

/// One timed sync from a clean database: (time, applications held after).
async fn timed_sync(server: &TestServer) -> (Duration, usize) {
    let t = fresh_install(server).await;
    let applications = t.client.applications().await.unwrap();
    let started = Instant::now();
    let report = applications.sync().await.unwrap();
    let took = started.elapsed();
    assert!(report.full_resync);
    (took, report.changed.len())
}

fn sync_figures(c: &mut Criterion, runtime: &tokio::runtime::Runtime, server: &TestServer) {
    runtime.block_on(async {
        let t = common::client_for(&server.base_url());
        let profile = common::sign_in(server, &t.client, PHONE_SYNC).await;
        t.client.auth().set_password(PASSWORD, None).await.unwrap();
        seed(server, &profile.user_id, APPLICATIONS, ENTRIES, None).await;
    });
    let mut times = Vec::new();
    for _ in 0..runs() {
        let (took, held) = runtime.block_on(timed_sync(server));
        assert_eq!(held, APPLICATIONS);
        times.push(took);
    }
    times.sort();
    println!(
        "\nsync of {APPLICATIONS} applications × {ENTRIES} timeline entries into a clean database: \
         median {:.0} ms, min {:.0} ms, max {:.0} ms ({} runs)",
        ms(percentile(&times, 0.5)),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
    let mut group = c.benchmark_group("applications");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function(
        "sync 1,000 applications × 10 entries (clean database)",
        |b| {
            b.to_async(runtime).iter_custom(|iters| async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += timed_sync(server).await.0;
                }
                total
            })
        },
    );
    group.finish();
}

/// Advances every seeded application through the happy path while one
/// subscription per application listens; the latencies, and the dev
/// route's round trips.
async fn live_latencies(server: &TestServer) -> (Vec<Duration>, Vec<Duration>) {
    let t = common::client_for(&server.base_url());
    let profile = common::sign_in(server, &t.client, PHONE_LIVE).await;
    seed(server, &profile.user_id, ADVANCED, 1, None).await;
    let applications = t.client.applications().await.unwrap();
    applications.sync().await.unwrap();
    applications.set_foreground(true);
    live_until(&applications, |s| *s == LiveState::Live).await;
    let numbers = held_numbers(&applications).await;
    assert_eq!(numbers.len(), ADVANCED);

    let mut latencies = Vec::new();
    let mut round_trips = Vec::new();
    for no in &numbers {
        // The listener: stamps each version the moment it is handed over.
        let (tx, mut heard) = mpsc::unbounded_channel();
        let mut watch = applications.watch(no);
        let listener = tokio::spawn(async move {
            while let Some(version) = watch.next().await {
                if let Some(app) = version
                    && tx.send((app.change_seq, Instant::now())).is_err()
                {
                    break;
                }
            }
        });
        for _ in 0..5 {
            let sent = Instant::now();
            let (status, answer) = advance_with(server, no, json!({})).await;
            round_trips.push(sent.elapsed());
            assert_eq!(status, 200, "{answer}");
            let change_seq = answer["change_seq"].as_i64().unwrap();
            loop {
                let (seq, at) = tokio::time::timeout(Duration::from_secs(10), heard.recv())
                    .await
                    .expect("the listener heard the change")
                    .expect("the listener is running");
                if seq >= change_seq {
                    latencies.push(at.saturating_duration_since(sent));
                    break;
                }
            }
        }
        listener.abort();
    }
    applications.set_foreground(false);
    let last = applications.get(&numbers[0]).await.unwrap();
    assert_eq!(last.status, ApplicationStatus::Delivered);
    (latencies, round_trips)
}

fn latency_figures(runtime: &tokio::runtime::Runtime, server: &TestServer) {
    let (mut latencies, mut round_trips) = runtime.block_on(live_latencies(server));
    latencies.sort();
    round_trips.sort();
    println!(
        "status change on the platform → watch listener, live connection: median {:.2} ms, \
         p99 {:.2} ms, max {:.2} ms ({} changes); the dev advance round trip alone: median {:.2} ms",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies[latencies.len() - 1]),
        latencies.len(),
        ms(percentile(&round_trips, 0.5)),
    );
}

fn applications(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (server, _dir) = runtime.block_on(common::catalog_server(300));
    latency_figures(&runtime, &server);
    sync_figures(c, &runtime, &server);
}

criterion_group!(benches, applications);
criterion_main!(benches);
