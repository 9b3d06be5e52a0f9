//! Photo preparation (issue 7): phone photos made upright, fitted to 2048 px
//! and re-encoded at quality 85, in process.
//!
//!     cargo bench -p banshitong-core --bench prepare
//!
//! - 12 MP: 4000x3000 stored sideways; decoded whole (it is under twice the
//!   target), Lanczos3 to 2048x1536.
//! - 24 MP: 6000x4000 stored sideways; decoded at 1/2 scale from the DCT.
//! - PNG: a 1600x1200 screenshot-like PNG with transparency.
//!
//! The comparison with vipsthumbnail (wall time and peak memory, each in its
//! own process) is `scripts/bench-prepare.sh`.

use std::hint::black_box;
use std::time::Duration;

use banshitong_core::materials::prepare::{PrepareOptions, prepare_bytes};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/common/photos.rs"]
mod photos;

fn prepare(c: &mut Criterion) {
    let options = PrepareOptions::default();
    let cases = [
        (
            "12 MP sideways JPEG to 2048 px",
            photos::phone_jpeg(&photos::scene(4000, 3000, false), 6, 92),
        ),
        (
            "24 MP sideways JPEG to 2048 px (DCT 1/2)",
            photos::phone_jpeg(&photos::scene(6000, 4000, false), 6, 92),
        ),
        (
            "1600x1200 PNG with alpha",
            photos::png(&photos::scene(1600, 1200, false), true),
        ),
    ];
    let mut group = c.benchmark_group("prepare");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, input) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| prepare_bytes(black_box(input), &options).expect("prepares"))
        });
    }
    group.finish();
}

criterion_group!(benches, prepare);
criterion_main!(benches);
