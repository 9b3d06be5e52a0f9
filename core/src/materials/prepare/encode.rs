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
    let mut encoder = Encoder::new(&mut out, quality);
    // Tables made for this picture: files about a tenth smaller for a few
    // percent more time, paid once and saved on every upload.
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(&pixels.data, width, height, color_type)
        .map_err(|e| format!("jpeg-encoder: {e}"))?;
    Ok(out)
}
