//! Photos made in code for the preparation tests, the benchmark and the CLI
//! demo: a photo-like scene stored the way phones store it (sideways, with
//! an EXIF orientation), carrying the metadata that must never leave the
//! phone (EXIF with a GPS IFD, XMP, a comment), and the bad files a user
//! can pick (truncated, renamed, decompression bombs).
//!
//! Also compiled into `examples/sideways_photo.rs` (by path), so it only
//! uses the crate's own dependencies.
#![allow(dead_code)]

use std::io::Write;

/// An upright RGB picture, 3 bytes a pixel, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Rgb {
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }
}

/// Where the test marks are, so a test can tell upright from turned or mirrored.
pub const RED: [u8; 3] = [230, 20, 20];
pub const BLUE: [u8; 3] = [20, 40, 230];

/// Kunming, where the demo photo claims to be taken (and must not say so).
pub const GPS_LATITUDE: (u32, u32, u32) = (25, 2, 24);
pub const GPS_LONGITUDE: (u32, u32, u32) = (102, 42, 36);
pub const XMP_MARKER: &str = "banshitong-fixture-xmp";
pub const COMMENT: &str = "banshitong fixture comment: shot at home";

/// A photo-like scene: sky, sun, hills and grass with fine grain, so a JPEG
/// of it compresses (and decodes) like a real photo rather than a flat
/// test card. With `marks`, the top tenth is painted red and the left tenth
/// (below the red) blue: after preparation red must be on top and blue on
/// the left, whatever the orientation it was stored in.
pub fn scene(width: u32, height: u32, marks: bool) -> Rgb {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ u64::from(width) << 32 ^ u64::from(height));
    let (w, h) = (width as f32, height as f32);
    let mut data = Vec::with_capacity(width as usize * height as usize * 3);
    let sun = (w * 0.7, h * 0.22, h.min(w) * 0.07);
    for y in 0..height {
        let fy = y as f32;
        for x in 0..width {
            let fx = x as f32;
            let ridge = h
                * (0.48
                    + 0.06 * (fx / w * 7.0).sin()
                    + 0.03 * (fx / w * 23.0 + 1.3).sin()
                    + 0.01 * (fx / w * 91.0).sin());
            let grain = (rng.next() % 41) as f32 - 20.0;
            let texture = smooth_noise(fx / 37.0, fy / 29.0) * 40.0
                + smooth_noise(fx / 7.0 + 0.5, fy / 11.0 + 0.5) * 25.0;
            let mut rgb = if fy < ridge {
                let t = fy / ridge;
                let d = ((fx - sun.0).powi(2) + (fy - sun.1).powi(2)).sqrt();
                if d < sun.2 {
                    [255.0, 240.0, 200.0]
                } else {
                    let cloud = smooth_noise(fx / 160.0, fy / 60.0).max(0.0) * 90.0;
                    [
                        90.0 + 100.0 * t + cloud,
                        140.0 + 80.0 * t + cloud,
                        230.0 - 10.0 * t + cloud * 0.5,
                    ]
                }
            } else {
                let t = (fy - ridge) / (h - ridge).max(1.0);
                [
                    60.0 + 50.0 * t + texture * 0.6,
                    110.0 + 40.0 * t + texture,
                    40.0 + 20.0 * t + texture * 0.3,
                ]
            };
            for c in &mut rgb {
                *c += grain * 0.6;
            }
            if marks {
                if fy < h / 10.0 {
                    rgb = RED.map(f32::from);
                } else if fx < w / 10.0 {
                    rgb = BLUE.map(f32::from);
                }
            }
            data.extend(rgb.map(|c| c.clamp(0.0, 255.0) as u8));
        }
    }
    Rgb {
        width,
        height,
        data,
    }
}

/// The pixels a camera stores so that showing them with EXIF `orientation`
/// (1..=8) gives `upright` back.
pub fn stored_for(upright: &Rgb, orientation: u8) -> Rgb {
    let (dw, dh) = (upright.width, upright.height);
    let (sw, sh) = if orientation >= 5 { (dh, dw) } else { (dw, dh) };
    let mut data = vec![0; upright.data.len()];
    for dy in 0..dh {
        for dx in 0..dw {
            let (sx, sy) = match orientation {
                1 => (dx, dy),
                2 => (sw - 1 - dx, dy),
                3 => (sw - 1 - dx, sh - 1 - dy),
                4 => (dx, sh - 1 - dy),
                5 => (dy, dx),
                6 => (dy, sh - 1 - dx),
                7 => (sw - 1 - dy, sh - 1 - dx),
                8 => (sw - 1 - dy, dx),
                other => panic!("no EXIF orientation {other}"),
            };
            let from = (dy as usize * dw as usize + dx as usize) * 3;
            let to = (sy as usize * sw as usize + sx as usize) * 3;
            data[to..to + 3].copy_from_slice(&upright.data[from..from + 3]);
        }
    }
    Rgb {
        width: sw,
        height: sh,
        data,
    }
}

/// A plain JPEG of the pixels, no metadata.
pub fn jpeg(pixels: &Rgb, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder
        .encode(
            &pixels.data,
            pixels.width as u16,
            pixels.height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("fixture JPEG encodes");
    out
}

/// A phone photo: `upright` stored for `orientation`, with an EXIF APP1
/// (orientation, camera, a GPS IFD), an XMP APP1 and a COM segment right
/// after SOI, the way cameras write them.
pub fn phone_jpeg(upright: &Rgb, orientation: u8, quality: u8) -> Vec<u8> {
    let plain = jpeg(&stored_for(upright, orientation), quality);
    assert_eq!(&plain[..2], &[0xFF, 0xD8]);
    let mut out = vec![0xFF, 0xD8];
    out.extend(segment(0xE1, &exif_app1(orientation)));
    out.extend(segment(0xE1, &xmp_app1()));
    out.extend(segment(0xFE, COMMENT.as_bytes()));
    out.extend(&plain[2..]);
    out
}

/// A PNG of the pixels; with `transparent_right_half`, the right half has
/// alpha 0 (it must come out white).
pub fn png(pixels: &Rgb, transparent_right_half: bool) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut out);
    if transparent_right_half {
        let mut rgba = Vec::with_capacity(pixels.data.len() / 3 * 4);
        for (i, px) in pixels.data.chunks_exact(3).enumerate() {
            let x = i as u32 % pixels.width;
            let alpha = if x >= pixels.width / 2 { 0 } else { 255 };
            rgba.extend([px[0], px[1], px[2], alpha]);
        }
        encoder
            .write_image(
                &rgba,
                pixels.width,
                pixels.height,
                image::ExtendedColorType::Rgba8,
            )
            .expect("fixture PNG encodes");
    } else {
        encoder
            .write_image(
                &pixels.data,
                pixels.width,
                pixels.height,
                image::ExtendedColorType::Rgb8,
            )
            .expect("fixture PNG encodes");
    }
    out
}

/// A PNG whose IHDR claims `width` x `height` with a few bytes of IDAT: a
/// decompression bomb's header (its pixels would never fit in memory).
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    out.extend(png_chunk(b"IHDR", &ihdr));
    let mut idat = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    idat.write_all(&vec![0; 64 * 1024]).unwrap();
    out.extend(png_chunk(b"IDAT", &idat.finish().unwrap()));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A real small JPEG whose SOF claims `width` x `height`.
pub fn jpeg_bomb(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(&scene(64, 48, false), 80);
    let sof = bytes
        .windows(2)
        .position(|w| w[0] == 0xFF && matches!(w[1], 0xC0..=0xC2))
        .expect("fixture JPEG has a SOF");
    // FF Cn, length (2), precision (1), height (2), width (2)
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

/// The smallest well-formed PDF worth the name.
pub fn pdf() -> Vec<u8> {
    let body = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
                3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n\
                trailer << /Root 1 0 R >>\n%%EOF\n";
    body.as_bytes().to_vec()
}

/// Bytes no decoder would take for anything.
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = XorShift(seed | 1);
    (0..len).map(|_| rng.next() as u8).collect()
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).expect("segment fits");
    let mut out = vec![0xFF, marker];
    out.extend(len.to_be_bytes());
    out.extend(payload);
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend(crc.sum().to_be_bytes());
    out
}

/// `Exif\0\0` + a big-endian TIFF: IFD0 with Make, Orientation and a GPS IFD
/// pointer; the GPS IFD with latitude and longitude.
fn exif_app1(orientation: u8) -> Vec<u8> {
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let make = b"Banshitong Phone\0";
    // Layout: header (8) | IFD0 (2 + 3*12 + 4) | GPS IFD (2 + 4*12 + 4) | data
    let ifd0_at = 8u32;
    let gps_at = ifd0_at + 2 + 3 * 12 + 4;
    let data_at = gps_at + 2 + 4 * 12 + 4;
    let make_at = data_at;
    let lat_at = make_at + make.len() as u32;
    let lon_at = lat_at + 24;

    let mut tiff = b"MM\0\x2a".to_vec();
    tiff.extend(ifd0_at.to_be_bytes());
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend(tag.to_be_bytes());
        tiff.extend(kind.to_be_bytes());
        tiff.extend(count.to_be_bytes());
        tiff.extend(value);
    };
    tiff.extend(3u16.to_be_bytes());
    entry(
        &mut tiff,
        0x010F,
        ASCII,
        make.len() as u32,
        make_at.to_be_bytes(),
    );
    entry(&mut tiff, 0x0112, SHORT, 1, [0, orientation, 0, 0]);
    entry(&mut tiff, 0x8825, LONG, 1, gps_at.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());

    tiff.extend(4u16.to_be_bytes());
    entry(&mut tiff, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, RATIONAL, 3, lat_at.to_be_bytes());
    entry(&mut tiff, 0x0003, ASCII, 2, *b"E\0\0\0");
    entry(&mut tiff, 0x0004, RATIONAL, 3, lon_at.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());

    assert_eq!(tiff.len() as u32, data_at);
    tiff.extend(make);
    for (d, m, s) in [GPS_LATITUDE, GPS_LONGITUDE] {
        for value in [d, m, s] {
            tiff.extend(value.to_be_bytes());
            tiff.extend(1u32.to_be_bytes());
        }
    }
    let mut out = b"Exif\0\0".to_vec();
    out.extend(tiff);
    out
}

fn xmp_app1() -> Vec<u8> {
    let mut out = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    out.extend(
        format!(
            "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>\
             <x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF \
             xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\
             <rdf:Description xmlns:exif='http://ns.adobe.com/exif/1.0/' \
             exif:GPSLatitude='25,2.4N' exif:GPSLongitude='102,42.6E' \
             xmlns:dc='http://purl.org/dc/elements/1.1/' dc:description='{XMP_MARKER}'/>\
             </rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
        )
        .as_bytes(),
    );
    out
}

/// Every segment marker of a JPEG up to its image data (SOS), in order, with
/// its payload: what the tests read back to prove metadata is gone.
pub fn jpeg_segments(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut out = Vec::new();
    let mut at = 2;
    while at + 4 <= bytes.len() {
        assert_eq!(bytes[at], 0xFF, "segment starts with 0xFF at {at}");
        let marker = bytes[at + 1];
        let len = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        out.push((marker, bytes[at + 4..at + 2 + len].to_vec()));
        if marker == 0xDA {
            break;
        }
        at += 2 + len;
    }
    out
}

/// Tiny deterministic generator: fixtures are the same on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Smooth value noise in about -1..1, for hills, clouds and grass patches.
fn smooth_noise(x: f32, y: f32) -> f32 {
    fn lattice(x: i32, y: i32) -> f32 {
        let mut h = (x as u32).wrapping_mul(0x8da6_b343) ^ (y as u32).wrapping_mul(0xd816_3841);
        h = (h ^ (h >> 13)).wrapping_mul(0x5bd1_e995);
        (h >> 8) as f32 / (1 << 23) as f32 - 1.0
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (tx, ty) = (x - x0, y - y0);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let (ix, iy) = (x0 as i32, y0 as i32);
    let top = lattice(ix, iy) + (lattice(ix + 1, iy) - lattice(ix, iy)) * sx;
    let bottom = lattice(ix, iy + 1) + (lattice(ix + 1, iy + 1) - lattice(ix, iy + 1)) * sx;
    top + (bottom - top) * sy
}
