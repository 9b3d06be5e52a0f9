//! Photo preparation (材料预处理): what leaves the phone is upright, small
//! enough, re-encoded and free of metadata (EXIF with GPS, XMP, comments),
//! because personal-information law asks for minimum collection. PDFs pass
//! through after a header and size check. File type is decided by content.
//!
//! A photo goes: header (size checked against the bomb guard, EXIF
//! orientation read) → decode at the smallest scale that covers the target
//! → Lanczos3 downscale in bands → turn upright → JPEG with no metadata →
//! hashed into a temporary file renamed into place. At most one full-size
//! pixel buffer exists at a time, and the input bytes are dropped as soon as
//! they are decoded.

mod decode;
mod encode;
mod header;
mod messages;
mod orientation;
mod output;
mod pdf;
mod resize;
mod sniff;

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use self::header::HeaderError;
use self::output::PendingFile;
use super::model::MediaType;
use crate::error::{Error, Result};

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
/// never left half-written). A file whose extension names another of our
/// types than its content (a PNG renamed `.pdf`) is refused: the user
/// probably picked the wrong file.
pub fn prepare_file(input: &Path, output: &Path, options: &PrepareOptions) -> Result<Prepared> {
    options.check()?;
    let mut file = File::open(input).map_err(|e| messages::cannot_open(&e))?;
    let size = file
        .metadata()
        .map_err(|e| messages::cannot_open(&e))?
        .len();
    check_input_size(size, options)?;
    let mut head = [0; 16];
    let head_len = read_up_to(&mut file, &mut head).map_err(|e| messages::cannot_open(&e))?;
    let media_type = content_type(&head[..head_len])?;
    if let Some(named) = sniff::named_type(input) {
        if named != media_type {
            return Err(messages::renamed(named, media_type));
        }
    }
    file.rewind().map_err(|e| messages::cannot_open(&e))?;
    if media_type == MediaType::Pdf {
        return pdf_file(file, size, output, options);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take`: a file still growing can't slip past the size limit.
    file.take(options.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| messages::cannot_open(&e))?;
    check_input_size(bytes.len() as u64, options)?;
    let photo = photo(Cow::Owned(bytes), media_type, options)?;
    let (sha256, size) = write_whole(output, |w| w.write_all(&photo.jpeg))?;
    Ok(Prepared {
        media_type: MediaType::Jpeg,
        sha256,
        size,
        width: Some(photo.width),
        height: Some(photo.height),
    })
}

/// The same in memory.
pub fn prepare_bytes(input: &[u8], options: &PrepareOptions) -> Result<(Vec<u8>, Prepared)> {
    options.check()?;
    check_input_size(input.len() as u64, options)?;
    let media_type = content_type(input)?;
    if media_type == MediaType::Pdf {
        let tail = &input[input.len().saturating_sub(pdf::TAIL_BYTES)..];
        if !pdf::looks_complete(input, tail) {
            return Err(messages::damaged(MediaType::Pdf, "no %%EOF at the end"));
        }
        let prepared = Prepared {
            media_type,
            sha256: output::sha256_hex(input),
            size: input.len() as u64,
            width: None,
            height: None,
        };
        return Ok((input.to_vec(), prepared));
    }
    let photo = photo(Cow::Borrowed(input), media_type, options)?;
    let prepared = Prepared {
        media_type: MediaType::Jpeg,
        sha256: output::sha256_hex(&photo.jpeg),
        size: photo.jpeg.len() as u64,
        width: Some(photo.width),
        height: Some(photo.height),
    };
    Ok((photo.jpeg, prepared))
}

impl PrepareOptions {
    fn check(&self) -> Result<()> {
        if self.max_side_px == 0 {
            return Err(Error::invalid_input("max_side_px must be at least 1"));
        }
        if !(1..=100).contains(&self.jpeg_quality) {
            return Err(Error::invalid_input("jpeg_quality must be within 1..=100"));
        }
        Ok(())
    }
}

fn check_input_size(size: u64, options: &PrepareOptions) -> Result<()> {
    if size == 0 {
        return Err(messages::empty());
    }
    if size > options.max_bytes {
        return Err(messages::too_large(size, options.max_bytes));
    }
    Ok(())
}

fn content_type(head: &[u8]) -> Result<MediaType> {
    if head.is_empty() {
        return Err(messages::empty());
    }
    sniff::media_type(head).ok_or_else(|| messages::unsupported(sniff::describe_other(head)))
}

/// A prepared photo: upright, fitted, re-encoded.
struct Photo {
    jpeg: Vec<u8>,
    width: u32,
    height: u32,
}

fn photo(bytes: Cow<'_, [u8]>, media_type: MediaType, options: &PrepareOptions) -> Result<Photo> {
    let damaged = |detail: &str| messages::damaged(media_type, detail);
    // The decoders are fuzzed, but they read whatever the user picked: a
    // bug in one must cost this file, not the app.
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        decode_fitted(&bytes, media_type, options)
    }))
    .map_err(|_| damaged("decoder panicked"))??;
    drop(bytes);
    let (pixels, target, orientation) = decoded;
    let pixels = resize::resize(pixels, target).map_err(|e| damaged(&e))?;
    let pixels = orientation::apply(pixels, orientation);
    let jpeg = encode::jpeg(&pixels, options.jpeg_quality).map_err(|e| damaged(&e))?;
    if jpeg.len() as u64 > options.max_bytes {
        return Err(messages::prepared_too_large(
            jpeg.len() as u64,
            options.max_bytes,
        ));
    }
    Ok(Photo {
        jpeg,
        width: pixels.width,
        height: pixels.height,
    })
}

/// Decoded pixels (at a reduced scale when that still covers the target),
/// the size to resize them to, and how to turn them upright.
fn decode_fitted(
    bytes: &[u8],
    media_type: MediaType,
    options: &PrepareOptions,
) -> Result<(decode::Pixels, (u32, u32), image::metadata::Orientation)> {
    let damaged = |detail: &str| messages::damaged(media_type, detail);
    let header_error = |error: HeaderError| damaged(&format!("header: {error:?}"));
    match media_type {
        MediaType::Jpeg => {
            let header = header::jpeg(bytes).map_err(header_error)?;
            guard_pixels(header.width, header.height, options)?;
            let target = resize::fit(header.width, header.height, options.max_side_px);
            let pixels = decode::jpeg(bytes, &header, target).map_err(|e| damaged(&e.0))?;
            Ok((pixels, target, orientation::from_exif(header.exif)))
        }
        MediaType::Png => {
            let (width, height) = header::png_size(bytes).map_err(header_error)?;
            guard_pixels(width, height, options)?;
            let (pixels, orientation) = decode::png(bytes).map_err(|e| damaged(&e.0))?;
            let target = resize::fit(pixels.width, pixels.height, options.max_side_px);
            Ok((pixels, target, orientation))
        }
        MediaType::Pdf => unreachable!("PDFs are never decoded"),
    }
}

/// The decompression bomb guard: runs on the header's size, before any
/// pixel buffer is allocated.
fn guard_pixels(width: u32, height: u32, options: &PrepareOptions) -> Result<()> {
    if u64::from(width) * u64::from(height) > options.max_pixels {
        return Err(messages::too_many_pixels(width, height, options.max_pixels));
    }
    Ok(())
}

/// Checks a PDF's start and end, then copies it through unchanged,
/// streaming (a 50 MB scan never sits in memory).
fn pdf_file(
    mut file: File,
    size: u64,
    output: &Path,
    options: &PrepareOptions,
) -> Result<Prepared> {
    let opened = |e: io::Error| messages::cannot_open(&e);
    let mut head = [0; 5];
    let head_len = read_up_to(&mut file, &mut head).map_err(opened)?;
    let tail_len = size.min(pdf::TAIL_BYTES as u64);
    file.seek(SeekFrom::Start(size - tail_len))
        .map_err(opened)?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    Read::by_ref(&mut file)
        .take(tail_len)
        .read_to_end(&mut tail)
        .map_err(opened)?;
    if !pdf::looks_complete(&head[..head_len], &tail) {
        return Err(messages::damaged(MediaType::Pdf, "no %%EOF at the end"));
    }
    file.rewind().map_err(opened)?;
    // Tell a failing read (the user's file) or a file grown past the limit
    // from a failing write (ours).
    let mut refusal = None;
    let (sha256, written) = write_whole(output, |w| {
        let mut buffer = vec![0; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = match file.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    refusal = Some(messages::cannot_open(&e));
                    return Err(e);
                }
            };
            total += n as u64;
            if total > options.max_bytes {
                refusal = Some(messages::too_large(total, options.max_bytes));
                return Err(io::Error::other("input over the size limit"));
            }
            w.write_all(&buffer[..n])?;
        }
    })
    .map_err(|e| refusal.take().unwrap_or(e))?;
    Ok(Prepared {
        media_type: MediaType::Pdf,
        sha256,
        size: written,
        width: None,
        height: None,
    })
}

/// Writes `output` through a hashing writer into a temporary file beside it,
/// then renames it into place; returns the sha256 and size.
fn write_whole(
    output: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(String, u64)> {
    let storage = |e: io::Error| Error::storage(format!("writing the prepared file: {e}"));
    let mut pending = PendingFile::beside(output).map_err(storage)?;
    write(pending.writer()).map_err(storage)?;
    pending.commit().map_err(storage)
}

/// Reads until `buf` is full or the input ends; the count read.
fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
