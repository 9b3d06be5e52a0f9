//! Drafts (issue 6's figures): autosave latency per field change (each a
//! committed transaction in the encrypted personal database), and how soon
//! a queued submission is delivered once the network returns.
//!
//!     cargo bench -p banshitong-core --bench drafts

use std::time::{Duration, Instant};

use banshitong_core::drafts::{DraftState, SubmitOutcome};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

#[path = "../tests/common/mod.rs"]
mod common;
use common::proxy::{Mode, Proxy};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn drafts(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (server, _server_dir) = runtime.block_on(common::catalog_server(300));
    let proxy = runtime.block_on(Proxy::start(server.addr()));
    let t = common::client_for(&proxy.url());
    let drafts = runtime.block_on(async {
        t.client.catalog().sync(None).await.unwrap();
        common::sign_in(&server, &t.client, "13900003333").await;
        t.client.drafts().await.unwrap()
    });
    let guide = runtime.block_on(async {
        t.client
            .catalog()
            .search(banshitong_core::catalog::SearchRequest {
                query: "居民身份证".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .hits[0]
            .code
            .clone()
    });
    let draft = runtime.block_on(drafts.create(guide.clone())).unwrap();

    // Autosave: a user typing into one field, keystroke by keystroke.
    let mut times = Vec::new();
    runtime.block_on(async {
        for i in 0..2000 {
            let value = json!(format!("昆明市五华区人民路{i}号")).to_string();
            let started = Instant::now();
            drafts
                .set_field(draft.id.clone(), "address".into(), value)
                .await
                .unwrap();
            times.push(started.elapsed());
        }
    });
    times.sort();
    println!(
        "\nautosave per field change: median {:.3} ms, p99 {:.3} ms (2000 changes)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );
    c.bench_function("autosave one field change (committed transaction)", |b| {
        let mut i = 0u64;
        b.to_async(&runtime).iter(|| {
            i += 1;
            drafts.set_field(
                draft.id.clone(),
                "remarks".into(),
                json!(i.to_string()).to_string(),
            )
        })
    });

    // Delivery once the network returns: queued while refused, then the
    // shell's network callback.
    let mut delivered = Vec::new();
    runtime.block_on(async {
        let template = drafts.create(guide.clone()).await.unwrap();
        common::fill_until_valid(&t.client, &drafts, &template).await;
        for _ in 0..20 {
            let copy = drafts.duplicate(template.id.clone()).await.unwrap();
            proxy.set(Mode::Refuse);
            assert_eq!(
                drafts.submit(copy.id.clone()).await.unwrap(),
                SubmitOutcome::Queued
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
            proxy.set(Mode::Pass);
            let returned = Instant::now();
            drafts.network_available();
            let mut watch = drafts.watch_draft(copy.id.clone());
            while let Some(d) = watch.next().await {
                if matches!(d.state, DraftState::Submitted { .. }) {
                    break;
                }
            }
            delivered.push(returned.elapsed());
        }
    });
    delivered.sort();
    println!(
        "outbox delivery after the network returns: median {:.1} ms, p99 {:.1} ms (20 submissions)",
        ms(percentile(&delivered, 0.5)),
        ms(percentile(&delivered, 0.99))
    );
}

criterion_group!(benches, drafts);
criterion_main!(benches);
