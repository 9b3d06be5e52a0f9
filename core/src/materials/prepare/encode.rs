//! JPEG encoding with jpeg-encoder (SIMD colour conversion and DCT): only a
//! JFIF header is written, so nothing of the original's metadata (EXIF,
//! GPS, XMP, comments, ICC profiles) can survive.

use jpeg_encoder::{ColorType, Encoder};

use super::decode::{Layout, Pixels};

pub(crate) fn jpeg(pixels: &Pixels, quality: u8) -> Result<Vec<u8>, String> {
    let side = |value: u32| u16::try_from(value).map_err(|_| format!("{value} px is too long"));
    let (width, height) = (side(pixels.width)?, side(pixels.height)?);
    let color_type = match pixels.layout {
        Layout::Gray => ColorType::Luma,
        Layout::Rgb => ColorType::Rgb,
    };
    // About a tenth of the raw size is typical at quality 85.
    let mut out = Vec::with_capacity(pixels.data.len() / 8);
    // Standard Huffman tables on purpose: jpeg-encoder's optimised tables
    // switch to one scan per component (legal, but some decoders, zune-jpeg
    // among them, mis-read it) and hold every block of the picture at once.
    let encoder = Encoder::new(&mut out, quality);
    encoder
        .encode(&pixels.data, width, height, color_type)
        .map_err(|e| format!("jpeg-encoder: {e}"))?;
    Ok(out)
}
