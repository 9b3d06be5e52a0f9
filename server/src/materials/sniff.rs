//! What a file is, by its first bytes (magic numbers), never by its name:
//! a renamed file is what its content says.

use serde::Serialize;

/// The three kinds of file a material may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MediaType {
    Jpeg,
    Png,
    Pdf,
}

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PDF_MAGIC: &[u8] = b"%PDF-";

const KNOWN: [(MediaType, &[u8]); 3] = [
    (MediaType::Jpeg, JPEG_MAGIC),
    (MediaType::Png, PNG_MAGIC),
    (MediaType::Pdf, PDF_MAGIC),
];

/// The longest magic number: how many first bytes `sniff` needs.
pub(crate) const SNIFF_BYTES: usize = 8;

impl MediaType {
    /// The type whose magic number `head` starts with.
    pub(crate) fn sniff(head: &[u8]) -> Option<MediaType> {
        KNOWN
            .iter()
            .find(|(_, magic)| head.starts_with(magic))
            .map(|(media_type, _)| *media_type)
    }

    /// Whether the first bytes of a file seen so far (maybe fewer than a
    /// magic number) can still become one of the accepted types.
    pub(crate) fn may_start(head: &[u8]) -> bool {
        KNOWN.iter().any(|(_, magic)| {
            let common = head.len().min(magic.len());
            head[..common] == magic[..common]
        })
    }

    pub(crate) fn from_mime(mime: &str) -> Option<MediaType> {
        match mime.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" => Some(MediaType::Jpeg),
            "image/png" => Some(MediaType::Png),
            "application/pdf" => Some(MediaType::Pdf),
            _ => None,
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<MediaType> {
        match name {
            "jpeg" => Some(MediaType::Jpeg),
            "png" => Some(MediaType::Png),
            "pdf" => Some(MediaType::Pdf),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpeg",
            MediaType::Png => "png",
            MediaType::Pdf => "pdf",
        }
    }

    pub(crate) fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Pdf => "application/pdf",
        }
    }

    /// The file extension a downloaded copy gets.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Pdf => "pdf",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_bytes() {
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(MediaType::sniff(PNG_MAGIC), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(MediaType::sniff(b"GIF89a"), None);
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8]), None);
        assert_eq!(MediaType::sniff(b""), None);
    }

    #[test]
    fn a_short_head_may_still_become_a_known_type() {
        assert!(MediaType::may_start(b""));
        assert!(MediaType::may_start(&[0x89, b'P']));
        assert!(MediaType::may_start(b"%PD"));
        assert!(MediaType::may_start(b"%PDF-1.4 and more"));
        assert!(!MediaType::may_start(b"GIF"));
        assert!(!MediaType::may_start(&[0x89, b'X']));
        assert!(!MediaType::may_start(b"PK\x03\x04"));
    }

    #[test]
    fn mime_types_and_names() {
        for media_type in [MediaType::Jpeg, MediaType::Png, MediaType::Pdf] {
            assert_eq!(MediaType::from_mime(media_type.mime()), Some(media_type));
            assert_eq!(MediaType::from_name(media_type.name()), Some(media_type));
        }
        assert_eq!(MediaType::from_mime(" IMAGE/JPEG "), Some(MediaType::Jpeg));
        assert_eq!(MediaType::from_mime("image/gif"), None);
    }
}
