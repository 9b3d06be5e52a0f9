//! Decoding to 8-bit pixels, as small as the target allows.
//!
//! A JPEG at least twice the target size in both directions is decoded at
//! 1/2, 1/4 or 1/8 scale straight from its DCT coefficients (jpeg-decoder's
//! scaled IDCT): a 48-megapixel photo then never exists at full size in
//! memory. Otherwise zune-jpeg (the image crate's own JPEG decoder, SIMD)
//! decodes it whole. PNGs go through the image crate; transparency is
//! flattened onto white, since JPEG has none.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, metadata::Orientation};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::header::JpegHeader;

/// Decoded pixels, rows top to bottom, no padding.
#[derive(Debug)]
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    pub layout: Layout,
    pub data: Vec<u8>,
}

/// Grey photos stay grey: a third of the memory and work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Gray,
    Rgb,
}

impl Layout {
    pub fn channels(self) -> usize {
        match self {
            Layout::Gray => 1,
            Layout::Rgb => 3,
        }
    }
}

/// A decoder's refusal, kept for the log; the user gets one clear message.
#[derive(Debug)]
pub(crate) struct DecodeError(pub String);

/// Decodes a JPEG whose header was read and checked, at the smallest scale
/// that still covers `target` (the size it will be resized to).
pub(crate) fn jpeg(
    bytes: &[u8],
    header: &JpegHeader<'_>,
    target: (u32, u32),
) -> Result<Pixels, DecodeError> {
    let shrinkable = header.width >= 2 * target.0 && header.height >= 2 * target.1;
    // jpeg-decoder's CMYK output would need our own colour conversion, and
    // its progressive path keeps every coefficient: leave those to zune.
    if shrinkable && header.sequential && header.components != 4 {
        jpeg_scaled(bytes, target)
    } else {
        jpeg_full(bytes, header)
    }
}

fn jpeg_full(bytes: &[u8], header: &JpegHeader<'_>) -> Result<Pixels, DecodeError> {
    let layout = if header.components == 1 {
        Layout::Gray
    } else {
        Layout::Rgb
    };
    let colorspace = match layout {
        Layout::Gray => ColorSpace::Luma,
        Layout::Rgb => ColorSpace::RGB,
    };
    // Strict: a truncated or damaged file is an error, not a picture with a
    // grey bottom half sent to a government office.
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(colorspace)
        .set_strict_mode(true)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(zune_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| DecodeError("no header information".into()))?;
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| DecodeError("no output size".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if size != width as usize * height as usize * layout.channels() {
        return Err(DecodeError(format!("unexpected output size {size}")));
    }
    let mut data = vec![0; size];
    decoder.decode_into(&mut data).map_err(zune_error)?;
    Ok(Pixels {
        width,
        height,
        layout,
        data,
    })
}

fn zune_error(error: zune_jpeg::errors::DecodeErrors) -> DecodeError {
    DecodeError(format!("zune-jpeg: {error:?}"))
}

fn jpeg_scaled(bytes: &[u8], target: (u32, u32)) -> Result<Pixels, DecodeError> {
    let error = |e: jpeg_decoder::Error| DecodeError(format!("jpeg-decoder: {e}"));
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(error)?;
    let requested = |side: u32| u16::try_from(side).unwrap_or(u16::MAX);
    let (width, height) = decoder
        .scale(requested(target.0), requested(target.1))
        .map_err(error)?;
    let data = decoder.decode().map_err(error)?;
    let info = decoder
        .info()
        .ok_or_else(|| DecodeError("no header information".into()))?;
    let layout = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => Layout::Gray,
        jpeg_decoder::PixelFormat::RGB24 => Layout::Rgb,
        other => return Err(DecodeError(format!("unexpected pixel format {other:?}"))),
    };
    let (width, height) = (u32::from(width), u32::from(height));
    if data.len() != width as usize * height as usize * layout.channels() {
        return Err(DecodeError(format!(
            "unexpected output size {}",
            data.len()
        )));
    }
    Ok(Pixels {
        width,
        height,
        layout,
        data,
    })
}

/// Decodes a PNG whose size was checked, with the orientation its `eXIf`
/// chunk gives (rare, but phones' screenshots editors write it).
pub(crate) fn png(bytes: &[u8]) -> Result<(Pixels, Orientation), DecodeError> {
    let error = |e: image::ImageError| DecodeError(format!("png: {e}"));
    let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(bytes)).map_err(error)?;
    let orientation = decoder.orientation().map_err(error)?;
    let image = DynamicImage::from_decoder(decoder).map_err(error)?;
    let (width, height) = (image.width(), image.height());
    let color = image.color();
    let pixels = match (color.has_color(), color.has_alpha()) {
        (false, false) => Pixels {
            width,
            height,
            layout: Layout::Gray,
            data: image.into_luma8().into_raw(),
        },
        (true, false) => Pixels {
            width,
            height,
            layout: Layout::Rgb,
            data: image.into_rgb8().into_raw(),
        },
        (false, true) => Pixels {
            width,
            height,
            layout: Layout::Gray,
            data: flatten_on_white(&image.into_luma_alpha8().into_raw(), 1),
        },
        (true, true) => Pixels {
            width,
            height,
            layout: Layout::Rgb,
            data: flatten_on_white(&image.into_rgba8().into_raw(), 3),
        },
    };
    Ok((pixels, orientation))
}

/// Composites straight-alpha pixels over white: what a viewer shows for a
/// transparent area, and what a printed form would.
fn flatten_on_white(with_alpha: &[u8], colour_channels: usize) -> Vec<u8> {
    let stride = colour_channels + 1;
    let mut out = Vec::with_capacity(with_alpha.len() / stride * colour_channels);
    for pixel in with_alpha.chunks_exact(stride) {
        let alpha = u32::from(pixel[colour_channels]);
        for &value in &pixel[..colour_channels] {
            let blended = (u32::from(value) * alpha + 255 * (255 - alpha) + 127) / 255;
            out.push(blended as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_becomes_white() {
        let rgba = [10, 20, 30, 255, 10, 20, 30, 0, 0, 0, 0, 128];
        assert_eq!(
            flatten_on_white(&rgba, 3),
            vec![10, 20, 30, 255, 255, 255, 127, 127, 127]
        );
    }
}
