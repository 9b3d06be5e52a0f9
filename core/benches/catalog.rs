//! The offline guide catalog on 20,000 guides (issue 5's targets):
//! search latency per query class (p50/p99 of the first ranked page with
//! snippets) against a plain LIKE scan in the same run, initial sync over
//! loopback (page by page and by snapshot), snapshot import from a file, a
//! delta of 100 changes, and the catalog's size on disk.
//!
//!     cargo bench -p banshitong-core --bench catalog
//!
//! `BST_BENCH_GUIDES` changes the catalog size (default 20000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use banshitong_core::catalog::{SearchRequest, SyncOptions};
use banshitong_core::platform::MemorySecretStore;
use banshitong_core::{Client, ClientConfig};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/common/mod.rs"]
mod common;

const CLASSES: &[(&str, &[&str])] = &[
    (
        "1 char",
        &["税", "证", "户", "婚", "照", "残", "医", "学", "车", "房"],
    ),
    (
        "2 chars",
        &[
            "社保", "户口", "婚姻", "驾驶", "护照", "医保", "退休", "出生", "营业", "税务",
        ],
    ),
    (
        "3-4 chars",
        &[
            "身份证",
            "营业执照",
            "结婚登记",
            "不动产",
            "公积金",
            "出生医学",
            "残疾人证",
            "户口簿",
        ],
    ),
    (
        "5+ chars",
        &[
            "居民身份证",
            "出生医学证明",
            "食品经营许可证",
            "住房公积金提取",
            "机动车驾驶证",
        ],
    ),
    (
        "pinyin",
        &[
            "shebao",
            "yyzz",
            "hukou",
            "jiehun",
            "sfz",
            "gongjijin",
            "jsz",
            "yingyezhizhao",
        ],
    ),
    (
        "multi-word",
        &[
            "营业执照 昆明",
            "社保 大理",
            "户口 迁移",
            "身份证 补领",
            "结婚 登记",
        ],
    ),
];

fn guides() -> usize {
    std::env::var("BST_BENCH_GUIDES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}

fn client(base_url: &str, dir: &std::path::Path) -> Client {
    Client::new(
        ClientConfig::new(base_url, dir),
        Arc::new(MemorySecretStore::new()),
    )
    .unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn catalog(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let count = guides();
    let (server, _server_dir) = runtime.block_on(common::catalog_server(count));
    let base = server.base_url();

    // Initial sync, page by page (1000 a page) and by snapshot: one timed
    // run each (every run needs a fresh folder and a server that holds
    // 20,000 guides, so criterion's many samples would take minutes).
    let page_dir = tempfile::tempdir().unwrap();
    let synced = client(&base, page_dir.path());
    let started = Instant::now();
    let report = runtime
        .block_on(synced.catalog().sync_with(
            SyncOptions {
                snapshot_on_first_install: false,
                page_size: 1000,
            },
            None,
        ))
        .unwrap();
    let page_sync = started.elapsed();
    assert_eq!(report.guides as usize, count);

    let snap_dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    runtime
        .block_on(client(&base, snap_dir.path()).catalog().sync(None))
        .unwrap();
    let snapshot_sync = started.elapsed();

    let file = runtime.block_on(common::snapshot_file(&server));
    let file_path = snap_dir.path().join("shipped.json.gz");
    std::fs::write(&file_path, &file).unwrap();
    let import_dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    runtime
        .block_on(
            client("http://127.0.0.1:9", import_dir.path())
                .catalog()
                .import_snapshot(file_path.clone()),
        )
        .unwrap();
    let import = started.elapsed();

    let db_path = page_dir.path().join("catalog.db");
    let db_bytes = {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        std::fs::metadata(&db_path).unwrap().len()
    };

    // Search: p50/p99 of the first page per class, with the user's region.
    let catalog = synced.catalog();
    let like = rusqlite::Connection::open(&db_path).unwrap();
    let mut like_scan = like
        .prepare("SELECT id FROM guides WHERE name LIKE ?1 OR body LIKE ?1")
        .unwrap();
    println!("\n=== guide catalog: {count} guides ===");
    println!(
        "initial sync, pages of 1000: {:.2} s; first install by snapshot: {:.2} s; \
         shipped snapshot import: {:.2} s ({} KiB gzip)",
        page_sync.as_secs_f64(),
        snapshot_sync.as_secs_f64(),
        import.as_secs_f64(),
        file.len() / 1024
    );
    println!(
        "catalog.db: {:.1} MiB, {:.2} MiB per 1,000 guides",
        db_bytes as f64 / 1048576.0,
        db_bytes as f64 / 1048576.0 / (count as f64 / 1000.0)
    );
    // Warm up: page cache, statement cache, the pinyin vocabulary (built
    // once per catalog change, then reused).
    for (_, queries) in CLASSES {
        for query in *queries {
            let request = SearchRequest {
                query: (*query).to_owned(),
                ..SearchRequest::default()
            };
            runtime.block_on(catalog.search(request)).unwrap();
        }
    }
    let mut all_search = Vec::new();
    let mut all_like = Vec::new();
    for (class, queries) in CLASSES {
        let mut times = Vec::new();
        let mut slowest = (Duration::ZERO, "");
        for _ in 0..20 {
            for query in *queries {
                let request = SearchRequest {
                    query: (*query).to_owned(),
                    prefer_region_code: Some("530102".to_owned()),
                    ..SearchRequest::default()
                };
                let started = Instant::now();
                let page = runtime.block_on(catalog.search(request)).unwrap();
                let took = started.elapsed();
                times.push(took);
                if took > slowest.0 {
                    slowest = (took, query);
                }
                assert!(!page.hits.is_empty(), "{query} finds something");
            }
        }
        let mut like_times = Vec::new();
        for query in queries.iter().filter(|q| q.chars().all(|c| !c.is_ascii())) {
            let pattern = format!("%{}%", query.split(' ').next().unwrap());
            for _ in 0..3 {
                let started = Instant::now();
                let hits = like_scan
                    .query_map([&pattern], |r| r.get::<_, i64>(0))
                    .unwrap()
                    .count();
                like_times.push(started.elapsed());
                std::hint::black_box(hits);
            }
        }
        times.sort();
        println!(
            "search {class:>10}: p50 {:.2} ms, p99 {:.2} ms (slowest: {} {:.2} ms)",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            slowest.1,
            ms(slowest.0)
        );
        all_search.extend(times);
        all_like.extend(like_times);
    }
    all_search.sort();
    all_like.sort();
    println!(
        "LIKE scan over name and body: p50 {:.1} ms, p99 {:.1} ms; \
         search is {:.0}x faster at p50 and {:.0}x at p99",
        ms(percentile(&all_like, 0.5)),
        ms(percentile(&all_like, 0.99)),
        ms(percentile(&all_like, 0.5)) / ms(percentile(&all_search, 0.5)),
        ms(percentile(&all_like, 0.99)) / ms(percentile(&all_search, 0.99)),
    );

    // Criterion's own numbers for a few representative queries.
    let mut group = c.benchmark_group("guide search (first page of 20, with snippets)");
    for query in [
        "税",
        "社保",
        "营业执照",
        "出生医学证明",
        "yyzz",
        "营业执照 昆明",
    ] {
        group.bench_function(query, |b| {
            b.to_async(&runtime).iter(|| {
                catalog.search(SearchRequest {
                    query: query.to_owned(),
                    prefer_region_code: Some("530102".to_owned()),
                    ..SearchRequest::default()
                })
            })
        });
    }
    group.finish();

    // A delta of 100 changes (mutated outside the timing).
    let mut group = c.benchmark_group("guide sync");
    group.sample_size(10);
    group.bench_function("delta of 100 changes (90 updates, 10 deletions)", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let (server, catalog) = (&server, &catalog);
            async move {
                let mut measured = Duration::ZERO;
                for _ in 0..iterations {
                    common::mutate_catalog(server, 90, 10).await;
                    let started = Instant::now();
                    let report = catalog.sync(None).await.unwrap();
                    measured += started.elapsed();
                    assert_eq!(report.upserted + report.deleted, 100);
                }
                measured
            }
        })
    });
    group.finish();
}

criterion_group!(benches, catalog);
criterion_main!(benches);
