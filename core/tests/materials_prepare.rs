//! Photo preparation: what leaves the phone is upright, fits the limit,
//! carries no metadata, and bad files get clear, typed refusals.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use banshitong_core::Error;
use banshitong_core::materials::prepare::{PrepareOptions, Prepared, prepare_bytes, prepare_file};
use banshitong_core::materials::{MaterialProblem, MediaType};
use common::photos::{self, BLUE, RED, Rgb};
use sha2::{Digest, Sha256};

/// Records the largest single allocation made on the current thread, so
/// the bomb tests can prove nothing image-sized was ever allocated.
struct LargestAllocation;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(layout.size())));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(new_size)));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

fn largest_allocation_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|largest| largest.set(0));
    let result = f();
    (result, LARGEST.with(Cell::get))
}

fn options(max_side_px: u32) -> PrepareOptions {
    PrepareOptions {
        max_side_px,
        ..PrepareOptions::default()
    }
}

fn decode(jpeg: &[u8]) -> Rgb {
    let image = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .expect("prepared output decodes")
        .into_rgb8();
    Rgb {
        width: image.width(),
        height: image.height(),
        data: image.into_raw(),
    }
}

fn near(actual: [u8; 3], expected: [u8; 3]) -> bool {
    actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| (i32::from(a) - i32::from(e)).abs() <= 40)
}

/// Red on top, blue on the left, neither at the bottom right: upright and
/// not mirrored.
fn assert_upright(image: &Rgb, what: &str) {
    let at = |fx: f32, fy: f32| {
        image.pixel(
            (image.width as f32 * fx) as u32,
            (image.height as f32 * fy) as u32,
        )
    };
    assert!(
        near(at(0.5, 0.03), RED),
        "{what}: top is {:?}",
        at(0.5, 0.03)
    );
    assert!(
        near(at(0.03, 0.5), BLUE),
        "{what}: left is {:?}",
        at(0.03, 0.5)
    );
    for (fx, fy) in [(0.5, 0.97), (0.97, 0.5), (0.97, 0.97)] {
        let px = at(fx, fy);
        assert!(
            !near(px, RED) && !near(px, BLUE),
            "{what}: ({fx}, {fy}) is {px:?}"
        );
    }
}

/// What must never leave the phone, checked on the segments and the bytes.
fn assert_no_metadata(jpeg: &[u8]) {
    let segments = photos::jpeg_segments(jpeg);
    for (marker, payload) in &segments {
        assert_ne!(*marker, 0xFE, "a COM segment survived");
        assert!(
            !(0xE1..=0xEF).contains(marker),
            "an APP{} segment survived ({} bytes)",
            marker - 0xE0,
            payload.len()
        );
    }
    let contains = |needle: &[u8]| jpeg.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(b"Exif\0\0"), "EXIF survived");
    assert!(!contains(b"http://ns.adobe.com/xap/1.0/"), "XMP survived");
    assert!(
        !contains(photos::XMP_MARKER.as_bytes()),
        "XMP text survived"
    );
    assert!(
        !contains(photos::COMMENT.as_bytes()),
        "the comment survived"
    );
    assert!(!contains(b"Banshitong Phone"), "the camera make survived");
    assert!(!contains(b"ICC_PROFILE"), "an ICC profile survived");
}

fn problem(result: Result<impl std::fmt::Debug, Error>) -> (MaterialProblem, String) {
    match result {
        Err(Error::BadMaterial { problem, message }) => (problem, message),
        other => panic!("expected a BadMaterial refusal, got {other:?}"),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The fixture itself agrees with an independent reader: the image crate's
/// own orientation handling turns every stored variant upright.
#[test]
fn fixture_photos_are_stored_as_cameras_store_them() {
    let upright = photos::scene(96, 64, true);
    for orientation in 1..=8 {
        let jpeg = photos::phone_jpeg(&upright, orientation, 95);
        let mut decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&jpeg))
            .expect("fixture decodes");
        use image::ImageDecoder;
        let found = decoder.orientation().expect("orientation readable");
        assert_eq!(found.to_exif(), orientation);
        let mut image = image::DynamicImage::from_decoder(decoder).unwrap();
        image.apply_orientation(found);
        let image = image.into_rgb8();
        let shown = Rgb {
            width: image.width(),
            height: image.height(),
            data: image.into_raw(),
        };
        assert_eq!((shown.width, shown.height), (96, 64));
        assert_upright(&shown, &format!("fixture, orientation {orientation}"));
    }
}

#[test]
fn every_orientation_comes_out_upright_fitted_and_without_metadata() {
    let upright = photos::scene(320, 240, true);
    for orientation in 1..=8 {
        let jpeg = photos::phone_jpeg(&upright, orientation, 92);
        // 200: decoded whole then resized; 80: decoded at 1/4 scale from the DCT.
        for (max_side, expected) in [(200, (200, 150)), (80, (80, 60))] {
            let what = format!("orientation {orientation}, max side {max_side}");
            let (out, prepared) = prepare_bytes(&jpeg, &options(max_side)).expect(&what);
            assert_eq!(prepared.media_type, MediaType::Jpeg);
            assert_eq!(
                (prepared.width, prepared.height),
                (Some(expected.0), Some(expected.1))
            );
            assert_eq!(prepared.size, out.len() as u64);
            assert_eq!(prepared.sha256, sha256_hex(&out));
            assert_no_metadata(&out);
            let shown = decode(&out);
            assert_eq!((shown.width, shown.height), expected, "{what}");
            assert_upright(&shown, &what);
        }
    }
}

#[test]
fn the_longest_side_fits_the_limit_with_the_aspect_ratio_kept_and_never_grows() {
    let wide = photos::jpeg(&photos::scene(900, 300, false), 90);
    let (_, prepared) = prepare_bytes(&wide, &options(256)).unwrap();
    assert_eq!((prepared.width, prepared.height), (Some(256), Some(85)));

    let tall = photos::phone_jpeg(&photos::scene(300, 700, false), 6, 90);
    let (out, prepared) = prepare_bytes(&tall, &options(512)).unwrap();
    assert_eq!((prepared.width, prepared.height), (Some(219), Some(512)));
    assert_eq!(decode(&out).height, 512);

    let small = photos::phone_jpeg(&photos::scene(120, 90, true), 8, 90);
    let (out, prepared) = prepare_bytes(&small, &PrepareOptions::default()).unwrap();
    assert_eq!((prepared.width, prepared.height), (Some(120), Some(90)));
    assert_no_metadata(&out);
    assert_upright(&decode(&out), "small photo, not upscaled");
}

#[test]
fn grey_photos_stay_grey_and_small() {
    let scene = photos::scene(400, 300, false);
    let grey: Vec<u8> = scene
        .data
        .chunks_exact(3)
        .map(|p| ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as u8)
        .collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&grey, 400, 300, jpeg_encoder::ColorType::Luma)
        .unwrap();
    for max_side in [300, 100] {
        let (out, prepared) = prepare_bytes(&jpeg, &options(max_side)).unwrap();
        assert_eq!(prepared.width, Some(max_side));
        let image = image::load_from_memory(&out).unwrap();
        assert_eq!(image.color(), image::ColorType::L8);
    }
}

/// Progressive and CMYK JPEGs (scanners, some editors) take the whole
/// decoder even when the scaled one could serve the size.
#[test]
fn progressive_and_cmyk_jpegs_are_prepared_too() {
    let stored = photos::stored_for(&photos::scene(320, 240, true), 6);
    let mut progressive = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut progressive, 90);
    encoder.set_progressive(true);
    encoder
        .encode(
            &stored.data,
            stored.width as u16,
            stored.height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    // No EXIF here: it comes out as stored, sideways (240 x 320): the
    // scene's top (red) on the left, its left side (blue) at the bottom.
    let (out, prepared) = prepare_bytes(&progressive, &options(80)).unwrap();
    assert_eq!((prepared.width, prepared.height), (Some(60), Some(80)));
    let shown = decode(&out);
    assert!(near(shown.pixel(2, 40), RED), "{:?}", shown.pixel(2, 40));
    assert!(near(shown.pixel(30, 78), BLUE), "{:?}", shown.pixel(30, 78));

    let cmyk: Vec<u8> = photos::scene(200, 100, true)
        .data
        .chunks_exact(3)
        .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0])
        .collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 95)
        .encode(&cmyk, 200, 100, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let (out, prepared) = prepare_bytes(&jpeg, &options(50)).unwrap();
    assert_eq!((prepared.width, prepared.height), (Some(50), Some(25)));
    let shown = decode(&out);
    assert_eq!((shown.width, shown.height), (50, 25));
    assert_upright(&shown, "CMYK");
}

#[test]
fn prepare_file_writes_the_output_whole_with_its_sha256() {
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("IMG_0001.JPG");
    let output = folder.path().join("prepared.jpg");
    std::fs::write(
        &input,
        photos::phone_jpeg(&photos::scene(640, 480, true), 6, 90),
    )
    .unwrap();
    // An older output is replaced whole.
    std::fs::write(&output, b"an older preparation").unwrap();

    let prepared = prepare_file(&input, &output, &options(320)).unwrap();
    let written = std::fs::read(&output).unwrap();
    assert_eq!(
        prepared,
        Prepared {
            media_type: MediaType::Jpeg,
            sha256: sha256_hex(&written),
            size: written.len() as u64,
            width: Some(320),
            height: Some(240),
        }
    );
    assert_no_metadata(&written);
    assert_upright(&decode(&written), "prepare_file");
    assert_eq!(files_in(folder.path()), ["IMG_0001.JPG", "prepared.jpg"]);
    // The same input prepares to the same bytes: the hash is stable.
    let again = prepare_bytes(&std::fs::read(&input).unwrap(), &options(320)).unwrap();
    assert_eq!(again.1.sha256, prepared.sha256);
}

#[test]
fn png_becomes_a_jpeg_with_transparency_on_white() {
    let scene = photos::scene(300, 200, true);
    let png = photos::png(&scene, true);
    let (out, prepared) = prepare_bytes(&png, &options(150)).unwrap();
    assert_eq!(prepared.media_type, MediaType::Jpeg);
    assert_eq!((prepared.width, prepared.height), (Some(150), Some(100)));
    assert_no_metadata(&out);
    let shown = decode(&out);
    assert!(near(shown.pixel(20, 2), RED), "{:?}", shown.pixel(20, 2));
    assert!(near(shown.pixel(3, 50), BLUE), "{:?}", shown.pixel(3, 50));
    assert!(
        near(shown.pixel(120, 80), [255, 255, 255]),
        "{:?}",
        shown.pixel(120, 80)
    );

    let opaque = photos::png(&scene, false);
    let (out, _) = prepare_bytes(&opaque, &options(150)).unwrap();
    assert!(!near(decode(&out).pixel(120, 80), [255, 255, 255]));
}

#[test]
fn decompression_bombs_are_refused_from_the_header_without_allocating() {
    let bombs = [
        ("PNG", photos::png_bomb(30_000, 30_000)),
        ("JPEG", photos::jpeg_bomb(30_000, 30_000)),
    ];
    for (what, bomb) in bombs {
        let (result, largest) =
            largest_allocation_during(|| prepare_bytes(&bomb, &PrepareOptions::default()));
        let (kind, message) = problem(result);
        assert_eq!(kind, MaterialProblem::TooManyPixels, "{what}");
        assert!(message.contains("30000×30000"), "{what}: {message}");
        // 30000 x 30000 RGB would be 2.7 GB; nothing near a row of it was asked for.
        assert!(largest < 1024 * 1024, "{what}: allocated {largest} bytes");
    }
    // The guard is the option: a lower one refuses a photo it would otherwise take.
    let photo = photos::jpeg(&photos::scene(400, 300, false), 80);
    let strict = PrepareOptions {
        max_pixels: 100_000,
        ..PrepareOptions::default()
    };
    assert_eq!(
        problem(prepare_bytes(&photo, &strict)).0,
        MaterialProblem::TooManyPixels
    );
}

#[test]
fn truncated_and_corrupt_images_are_unreadable_not_half_pictures() {
    let jpeg = photos::phone_jpeg(&photos::scene(640, 480, false), 6, 90);
    let cut = &jpeg[..jpeg.len() * 6 / 10];
    // Both decoders: whole (max side 500) and DCT-scaled (max side 100).
    for max_side in [500, 100] {
        let (kind, message) = problem(prepare_bytes(cut, &options(max_side)));
        assert_eq!(kind, MaterialProblem::Unreadable, "max side {max_side}");
        assert!(message.contains("损坏或不完整"), "{message}");
    }
    // Cut inside the header.
    assert_eq!(
        problem(prepare_bytes(&jpeg[..300], &options(500))).0,
        MaterialProblem::Unreadable
    );
    // Scrambled image data.
    let mut scrambled = jpeg.clone();
    let start = scrambled.len() / 3;
    for (i, byte) in scrambled[start..start + 4000].iter_mut().enumerate() {
        *byte = (i * 7919 % 251) as u8;
    }
    let result = prepare_bytes(&scrambled, &options(500));
    // Garbage in the entropy-coded data may still decode to garbage pixels
    // (JPEG can't always tell), but it never panics and never half-succeeds
    // silently with a wrong size.
    if let Ok((_, prepared)) = result {
        assert_eq!((prepared.width, prepared.height), (Some(500), Some(375)));
    } else {
        assert_eq!(problem(result).0, MaterialProblem::Unreadable);
    }

    let png = photos::png(&photos::scene(200, 150, false), false);
    let cut = &png[..png.len() / 2];
    assert_eq!(
        problem(prepare_bytes(cut, &options(100))).0,
        MaterialProblem::Unreadable
    );
}

#[test]
fn a_renamed_file_is_refused_saying_what_it_really_is() {
    let folder = tempfile::tempdir().unwrap();
    let png = folder.path().join("身份证.pdf");
    std::fs::write(&png, photos::png(&photos::scene(60, 40, false), false)).unwrap();
    let output = folder.path().join("out");
    let (kind, message) = problem(prepare_file(&png, &output, &options(100)));
    assert_eq!(kind, MaterialProblem::UnsupportedType);
    assert!(
        message.contains("PNG") && message.contains("PDF"),
        "{message}"
    );

    let jpeg = folder.path().join("scan.png");
    std::fs::write(&jpeg, photos::jpeg(&photos::scene(60, 40, false), 80)).unwrap();
    let (kind, message) = problem(prepare_file(&jpeg, &output, &options(100)));
    assert_eq!(kind, MaterialProblem::UnsupportedType);
    assert!(message.contains("JPEG"), "{message}");

    // A name that claims none of our types (an app's cache copy) is fine.
    let cached = folder.path().join("4f2a91.tmp");
    std::fs::copy(&jpeg, &cached).unwrap();
    prepare_file(&cached, &output, &options(100)).unwrap();
    assert!(output.exists());
}

#[test]
fn other_content_is_unsupported_and_empty_is_unreadable() {
    let random = photos::random_bytes(4096, 7);
    let (kind, message) = problem(prepare_bytes(&random, &PrepareOptions::default()));
    assert_eq!(kind, MaterialProblem::UnsupportedType);
    assert!(message.contains("JPEG、PNG"), "{message}");

    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend(photos::random_bytes(512, 3));
    let (kind, message) = problem(prepare_bytes(&heic, &PrepareOptions::default()));
    assert_eq!(kind, MaterialProblem::UnsupportedType);
    assert!(message.contains("HEIC"), "{message}");

    assert_eq!(
        problem(prepare_bytes(&[], &PrepareOptions::default())).0,
        MaterialProblem::Unreadable
    );

    let folder = tempfile::tempdir().unwrap();
    let empty = folder.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let output = folder.path().join("out.jpg");
    let (kind, message) = problem(prepare_file(&empty, &output, &PrepareOptions::default()));
    assert_eq!(kind, MaterialProblem::Unreadable);
    assert!(message.contains("空"), "{message}");

    let missing = folder.path().join("gone.jpg");
    let (kind, _) = problem(prepare_file(&missing, &output, &PrepareOptions::default()));
    assert_eq!(kind, MaterialProblem::Unreadable);
    assert_eq!(files_in(folder.path()), ["empty.jpg"]);
}

#[test]
fn a_pdf_passes_through_byte_identical() {
    let pdf = photos::pdf();
    let (out, prepared) = prepare_bytes(&pdf, &PrepareOptions::default()).unwrap();
    assert_eq!(out, pdf);
    assert_eq!(
        prepared,
        Prepared {
            media_type: MediaType::Pdf,
            sha256: sha256_hex(&pdf),
            size: pdf.len() as u64,
            width: None,
            height: None,
        }
    );

    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("营业执照.PDF");
    // Big enough to take several reads of the copy loop.
    let mut big = pdf.clone();
    let eof = big.len() - b"%%EOF\n".len();
    big.splice(eof..eof, photos::random_bytes(700_000, 11));
    std::fs::write(&input, &big).unwrap();
    let output = folder.path().join("upload.pdf");
    let prepared = prepare_file(&input, &output, &PrepareOptions::default()).unwrap();
    assert_eq!(std::fs::read(&output).unwrap(), big);
    assert_eq!(prepared.sha256, sha256_hex(&big));
    assert_eq!(prepared.media_type, MediaType::Pdf);
}

#[test]
fn a_cut_off_pdf_is_unreadable() {
    let pdf = photos::pdf();
    let cut = &pdf[..pdf.len() - 8];
    let (kind, message) = problem(prepare_bytes(cut, &PrepareOptions::default()));
    assert_eq!(kind, MaterialProblem::Unreadable);
    assert!(message.contains("PDF"), "{message}");

    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("cut.pdf");
    std::fs::write(&input, cut).unwrap();
    let output = folder.path().join("out.pdf");
    assert_eq!(
        problem(prepare_file(&input, &output, &PrepareOptions::default())).0,
        MaterialProblem::Unreadable
    );
    assert!(!output.exists());
}

#[test]
fn files_over_the_size_limit_are_too_large() {
    let limited = PrepareOptions {
        max_bytes: 1000,
        ..PrepareOptions::default()
    };
    let jpeg = photos::jpeg(&photos::scene(200, 150, false), 90);
    let (kind, message) = problem(prepare_bytes(&jpeg, &limited));
    assert_eq!(kind, MaterialProblem::TooLarge);
    assert!(message.contains("MB"), "{message}");

    let mut pdf = photos::pdf();
    pdf.splice(10..10, vec![b' '; 2000]);
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("big.pdf");
    std::fs::write(&input, &pdf).unwrap();
    let output = folder.path().join("out.pdf");
    assert_eq!(
        problem(prepare_file(&input, &output, &limited)).0,
        MaterialProblem::TooLarge
    );
    assert!(!output.exists());

    // A photo whose prepared JPEG is still over the limit.
    let tiny_limit = PrepareOptions {
        max_bytes: jpeg.len() as u64,
        jpeg_quality: 100,
        ..PrepareOptions::default()
    };
    let (kind, message) = problem(prepare_bytes(&jpeg, &tiny_limit));
    assert_eq!(kind, MaterialProblem::TooLarge);
    assert!(message.contains("处理后"), "{message}");
}

#[test]
fn a_failed_preparation_leaves_the_previous_output_and_no_temporary_file() {
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("broken.jpg");
    let jpeg = photos::jpeg(&photos::scene(300, 200, false), 90);
    std::fs::write(&input, &jpeg[..jpeg.len() / 2]).unwrap();
    let output = folder.path().join("prepared.jpg");
    std::fs::write(&output, b"previous").unwrap();
    assert_eq!(
        problem(prepare_file(&input, &output, &options(100))).0,
        MaterialProblem::Unreadable
    );
    assert_eq!(std::fs::read(&output).unwrap(), b"previous");
    assert_eq!(files_in(folder.path()), ["broken.jpg", "prepared.jpg"]);
}

#[test]
fn unusable_options_are_invalid_input() {
    let jpeg = photos::jpeg(&photos::scene(60, 40, false), 80);
    for options in [
        PrepareOptions {
            max_side_px: 0,
            ..PrepareOptions::default()
        },
        PrepareOptions {
            jpeg_quality: 0,
            ..PrepareOptions::default()
        },
        PrepareOptions {
            jpeg_quality: 101,
            ..PrepareOptions::default()
        },
    ] {
        assert!(matches!(
            prepare_bytes(&jpeg, &options),
            Err(Error::InvalidInput { .. })
        ));
    }
}

/// The CLI demo's photo is what it claims: sideways with GPS, XMP and a
/// comment, and it prepares upright without them.
#[test]
fn the_demo_asset_is_a_sideways_photo_with_location_metadata() {
    let asset = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/assets/sideways-gps-photo.jpg");
    let bytes = std::fs::read(&asset).expect("demo asset is committed");
    assert!(bytes.len() < 300 * 1024);
    let segments = photos::jpeg_segments(&bytes);
    let has = |marker: u8, prefix: &[u8]| {
        segments
            .iter()
            .any(|(m, payload)| *m == marker && payload.starts_with(prefix))
    };
    assert!(has(0xE1, b"Exif\0\0") && has(0xE1, b"http://ns.adobe.com/xap/1.0/") && has(0xFE, b""));
    let (out, prepared) = prepare_bytes(&bytes, &PrepareOptions::default()).unwrap();
    assert_eq!((prepared.width, prepared.height), (Some(1600), Some(1200)));
    assert_no_metadata(&out);
}

fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
