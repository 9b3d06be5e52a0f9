//! Image headers read without decoding: the pixel size (the decompression
//! bomb guard runs on it before a single pixel buffer exists) and, for a
//! JPEG, what the decoder choice depends on and the EXIF block that carries
//! the orientation.

/// What a JPEG's segments before its image data say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JpegHeader<'a> {
    pub width: u32,
    pub height: u32,
    /// 1 (grey), 3 (YCbCr or RGB) or 4 (CMYK/YCCK).
    pub components: u8,
    /// Baseline or extended sequential Huffman (not progressive, lossless or
    /// arithmetic): the kind phones write and every decoder handles.
    pub sequential: bool,
    /// The TIFF structure of the `Exif` APP1 segment, if any.
    pub exif: Option<&'a [u8]>,
}

/// Why a header couldn't be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// The file ends before the header does.
    Truncated,
    /// The bytes are not a well-formed header.
    Malformed(&'static str),
}

/// Walks the JPEG's segments up to the first scan. Stops early once the
/// frame header is read and the file ends, so a bomb made of nothing but a
/// header still shows its size.
pub(crate) fn jpeg(bytes: &[u8]) -> Result<JpegHeader<'_>, HeaderError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(HeaderError::Malformed("no start-of-image marker"));
    }
    let mut frame: Option<(u32, u32, u8, bool)> = None;
    let mut exif = None;
    let mut at = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return match (frame, bytes.get(at)) {
                (Some(_), None) => finish(frame, exif),
                (_, None) => Err(HeaderError::Truncated),
                _ => Err(HeaderError::Malformed("bytes between segments")),
            };
        };
        at += 2;
        // Markers without a length.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            continue;
        }
        if marker == 0xD9 {
            return Err(HeaderError::Malformed("end of image before any scan"));
        }
        let Some(length) = bytes.get(at..at + 2) else {
            return if frame.is_some() {
                finish(frame, exif)
            } else {
                Err(HeaderError::Truncated)
            };
        };
        let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
        if length < 2 {
            return Err(HeaderError::Malformed("segment length below 2"));
        }
        let payload = bytes.get(at + 2..at + length);
        match marker {
            0xDA => return finish(frame, exif),
            0xE1 => {
                if let Some(tiff) = payload.and_then(|p| p.strip_prefix(b"Exif\0\0")) {
                    exif.get_or_insert(tiff);
                }
            }
            // Every SOFn except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let Some(sof) = payload else {
                    return Err(HeaderError::Truncated);
                };
                if sof.len() < 6 {
                    return Err(HeaderError::Malformed("frame header too short"));
                }
                let height = u32::from(u16::from_be_bytes([sof[1], sof[2]]));
                let width = u32::from(u16::from_be_bytes([sof[3], sof[4]]));
                frame = Some((width, height, sof[5], matches!(marker, 0xC0 | 0xC1)));
            }
            _ => {}
        }
        if payload.is_none() && frame.is_some() {
            return finish(frame, exif);
        }
        at += length;
    }
}

fn finish<'a>(
    frame: Option<(u32, u32, u8, bool)>,
    exif: Option<&'a [u8]>,
) -> Result<JpegHeader<'a>, HeaderError> {
    let (width, height, components, sequential) =
        frame.ok_or(HeaderError::Malformed("no frame header"))?;
    if width == 0 || height == 0 {
        // A height of 0 means "given after the first scan" (DNL): legal, but
        // no phone writes it and the size guard needs the size up front.
        return Err(HeaderError::Malformed("no image size in the frame header"));
    }
    if !matches!(components, 1 | 3 | 4) {
        return Err(HeaderError::Malformed(
            "unusual number of colour components",
        ));
    }
    Ok(JpegHeader {
        width,
        height,
        components,
        sequential,
        exif,
    })
}

/// The size a PNG's IHDR chunk (always the first) gives.
pub(crate) fn png_size(bytes: &[u8]) -> Result<(u32, u32), HeaderError> {
    let Some(ihdr) = bytes.get(8..24) else {
        return Err(HeaderError::Truncated);
    };
    if &ihdr[4..8] != b"IHDR" {
        return Err(HeaderError::Malformed("the first chunk is not IHDR"));
    }
    let width = u32::from_be_bytes([ihdr[8], ihdr[9], ihdr[10], ihdr[11]]);
    let height = u32::from_be_bytes([ihdr[12], ihdr[13], ihdr[14], ihdr[15]]);
    if width == 0 || height == 0 {
        return Err(HeaderError::Malformed("zero image size"));
    }
    Ok((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sof(width: u16, height: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xC0, 0, 11, 8];
        out.extend(height.to_be_bytes());
        out.extend(width.to_be_bytes());
        out.extend([1, 1, 0x11, 0]);
        out
    }

    #[test]
    fn reads_the_frame_size_and_the_exif_block() {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 12];
        bytes.extend(b"Exif\0\0MM\0*");
        bytes.extend(sof(4000, 3000));
        bytes.extend([0xFF, 0xDA, 0, 2]);
        let header = jpeg(&bytes).unwrap();
        assert_eq!((header.width, header.height), (4000, 3000));
        assert_eq!(header.exif, Some(&b"MM\0*"[..]));
        assert!(header.sequential);
    }

    #[test]
    fn a_header_alone_still_gives_its_size() {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend(sof(30000, 30000));
        assert_eq!(jpeg(&bytes).unwrap().width, 30000);
        assert_eq!(jpeg(&bytes[..5]), Err(HeaderError::Truncated));
        assert_eq!(jpeg(&[0xFF, 0xD8]), Err(HeaderError::Truncated));
    }

    #[test]
    fn png_size_comes_from_ihdr() {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(30000u32.to_be_bytes());
        bytes.extend(20000u32.to_be_bytes());
        assert_eq!(png_size(&bytes), Ok((30000, 20000)));
        assert_eq!(png_size(&bytes[..20]), Err(HeaderError::Truncated));
    }
}
