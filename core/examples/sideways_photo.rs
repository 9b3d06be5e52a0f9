//! Writes a phone-like photo: a photo-like scene stored sideways (EXIF
//! orientation 6) with GPS EXIF, XMP and a comment — the CLI demo's asset
//! and the benchmark's input.
//!
//! `cargo run -p banshitong-core --release --example sideways_photo -- OUT [WIDTH HEIGHT [QUALITY]]`
//! (upright size, default 1600 x 1200 at quality 72).

#[path = "../tests/common/photos.rs"]
mod photos;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: sideways_photo OUT [WIDTH HEIGHT [QUALITY]]");
        std::process::exit(2);
    };
    let number = |i: usize, default: u32| -> u32 {
        args.get(i).map_or(default, |s| {
            s.parse().unwrap_or_else(|_| {
                eprintln!("not a number: {s}");
                std::process::exit(2)
            })
        })
    };
    let (width, height, quality) = (number(1, 1600), number(2, 1200), number(3, 72));
    let upright = photos::scene(width, height, false);
    let bytes = photos::phone_jpeg(&upright, 6, quality as u8);
    std::fs::write(out, &bytes).unwrap_or_else(|e| {
        eprintln!("can't write {out}: {e}");
        std::process::exit(1)
    });
    println!(
        "{out}: {width}x{height} upright, stored sideways, {} bytes",
        bytes.len()
    );
}
