//! Turning a photo upright by its EXIF orientation (all eight of them),
//! done by the image crate after downscaling, when the photo is small.

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};

use super::decode::{Layout, Pixels};

/// The orientation an EXIF block (the TIFF structure) gives; none or an
/// unreadable one means the pixels are stored upright.
pub(crate) fn from_exif(exif: Option<&[u8]>) -> Orientation {
    exif.and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms)
}

pub(crate) fn apply(pixels: Pixels, orientation: Orientation) -> Result<Pixels, String> {
    if orientation == Orientation::NoTransforms {
        return Ok(pixels);
    }
    let Pixels {
        width,
        height,
        layout,
        data,
    } = pixels;
    let mut image = match layout {
        Layout::Gray => GrayImage::from_raw(width, height, data).map(DynamicImage::ImageLuma8),
        Layout::Rgb => RgbImage::from_raw(width, height, data).map(DynamicImage::ImageRgb8),
    }
    .ok_or("pixel buffer does not match its size")?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    Ok(Pixels {
        width,
        height,
        layout,
        data: image.into_bytes(),
    })
}
