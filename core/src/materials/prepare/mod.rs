//! Photo preparation (材料预处理): what leaves the phone is upright, small
//! enough, re-encoded and free of metadata (EXIF with GPS, XMP, comments),
//! because personal-information law asks for minimum collection. PDFs pass
//! through after a header and size check. File type is decided by content.

use std::path::Path;

use super::model::MediaType;
use crate::error::Result;

/// How to prepare a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareOptions {
    /// Longest side of a photo after preparation.
    pub max_side_px: u32,
    /// JPEG quality, 1..=100.
    pub jpeg_quality: u8,
    /// Images with more pixels are refused before decoding (bomb guard).
    pub max_pixels: u64,
    /// Files bigger than this are refused (input and output).
    pub max_bytes: u64,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        Self {
            max_side_px: 2048,
            jpeg_quality: 85,
            max_pixels: 50_000_000,
            max_bytes: 50 * 1024 * 1024,
        }
    }
}

/// What a prepared file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub media_type: MediaType,
    /// Of the prepared bytes, lowercase hex.
    pub sha256: String,
    pub size: u64,
    /// Pixel size of a prepared image; none for a PDF.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Reads `input` and writes the prepared file to `output` (replaced whole,
/// never left half-written).
pub fn prepare_file(input: &Path, output: &Path, options: &PrepareOptions) -> Result<Prepared> {
    let _ = (input, output, options);
    unimplemented!("photo preparation lands with issue 7")
}

/// The same in memory.
pub fn prepare_bytes(input: &[u8], options: &PrepareOptions) -> Result<(Vec<u8>, Prepared)> {
    let _ = (input, options);
    unimplemented!("photo preparation lands with issue 7")
}
