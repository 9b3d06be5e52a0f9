//! What a JPEG carries besides its pixels, read from its marker segments:
//! the demo shows a phone photo's orientation, GPS position, XMP and
//! comment going in, and none of them coming out.

/// The facts of one JPEG file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JpegFacts {
    /// As stored (before any EXIF rotation).
    pub width: u32,
    pub height: u32,
    /// EXIF orientation (1 upright … 8); none without EXIF or the tag.
    pub orientation: Option<u16>,
    pub exif: bool,
    /// EXIF with a GPS block (where the photo was taken).
    pub gps: bool,
    pub xmp: bool,
    pub comment: bool,
}

impl JpegFacts {
    /// `EXIF (orientation 6), GPS, XMP, a comment`, or `none`.
    pub fn metadata(&self) -> String {
        let mut found = Vec::new();
        if self.exif {
            found.push(match self.orientation {
                Some(o) => format!("EXIF (orientation {o})"),
                None => "EXIF".to_owned(),
            });
        }
        if self.gps {
            found.push("GPS position".to_owned());
        }
        if self.xmp {
            found.push("XMP".to_owned());
        }
        if self.comment {
            found.push("a comment".to_owned());
        }
        if found.is_empty() {
            "none".to_owned()
        } else {
            found.join(", ")
        }
    }
}

/// Reads the segments before the image data; none for what is not a JPEG.
pub fn facts(bytes: &[u8]) -> Option<JpegFacts> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut facts = JpegFacts::default();
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let body = bytes.get(at + 4..at + 2 + length)?;
        match marker {
            0xE1 if body.starts_with(b"Exif\0\0") => {
                facts.exif = true;
                let (orientation, gps) = read_exif(&body[6..]);
                facts.orientation = orientation;
                facts.gps = gps;
            }
            0xE1 if body.starts_with(b"http://ns.adobe.com/xap/1.0/") => facts.xmp = true,
            0xFE => facts.comment = true,
            // Start of frame (baseline, extended, progressive): the size.
            0xC0..=0xC2 if body.len() >= 5 => {
                facts.height = u32::from(u16::from_be_bytes([body[1], body[2]]));
                facts.width = u32::from(u16::from_be_bytes([body[3], body[4]]));
            }
            // Start of scan: the image data follows, no more segments.
            0xDA => break,
            _ => {}
        }
        at += 2 + length;
    }
    Some(facts)
}

/// The orientation tag and whether a GPS block is there, from EXIF's TIFF
/// structure (first image directory only, which holds both).
fn read_exif(tiff: &[u8]) -> (Option<u16>, bool) {
    let big_endian = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return (None, false),
    };
    let u16_at = |at: usize| {
        tiff.get(at..at + 2).map(|b| {
            let b = [b[0], b[1]];
            if big_endian {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        })
    };
    let u32_at = |at: usize| {
        tiff.get(at..at + 4).map(|b| {
            let b = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        })
    };
    let Some(directory) = u32_at(4).map(|o| o as usize) else {
        return (None, false);
    };
    let entries = u16_at(directory).unwrap_or(0);
    let (mut orientation, mut gps) = (None, false);
    for i in 0..usize::from(entries) {
        let entry = directory + 2 + 12 * i;
        match u16_at(entry) {
            Some(0x0112) => orientation = u16_at(entry + 8),
            Some(0x8825) => gps = true,
            _ => {}
        }
    }
    (orientation, gps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_photo_is_a_sideways_phone_photo_with_its_position() {
        let photo = facts(super::super::samples::PHONE_PHOTO).unwrap();
        assert_eq!((photo.width, photo.height), (1200, 1600));
        assert_eq!(photo.orientation, Some(6));
        assert!(
            photo.exif && photo.gps && photo.xmp && photo.comment,
            "{photo:?}"
        );
        assert_eq!(
            photo.metadata(),
            "EXIF (orientation 6), GPS position, XMP, a comment"
        );
    }

    #[test]
    fn other_files_are_not_read_as_jpeg() {
        assert_eq!(facts(b"%PDF-1.4"), None);
        let bare = facts(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]).unwrap();
        assert_eq!(bare.metadata(), "none");
    }
}
