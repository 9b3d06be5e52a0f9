//! Prepares one file the way the app does (the benchmark runs it in its own
//! process to measure wall time and peak memory against vipsthumbnail).
//!
//! `cargo run -p banshitong-core --release --example prepare_photo -- IN OUT [MAX_SIDE [QUALITY]]`

use std::path::Path;
use std::time::Instant;

use banshitong_core::materials::prepare::{PrepareOptions, prepare_file};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: prepare_photo IN OUT [MAX_SIDE [QUALITY]]");
        std::process::exit(2);
    }
    let mut options = PrepareOptions::default();
    if let Some(side) = args.get(2) {
        options.max_side_px = side.parse().expect("MAX_SIDE is a number");
    }
    if let Some(quality) = args.get(3) {
        options.jpeg_quality = quality.parse().expect("QUALITY is a number");
    }
    let started = Instant::now();
    match prepare_file(Path::new(&args[0]), Path::new(&args[1]), &options) {
        Ok(prepared) => println!(
            "{}x{} {} bytes sha256 {} in {:.1} ms",
            prepared.width.unwrap_or(0),
            prepared.height.unwrap_or(0),
            prepared.size,
            prepared.sha256,
            started.elapsed().as_secs_f64() * 1000.0
        ),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}
