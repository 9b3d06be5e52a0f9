//! What a file is, by its first bytes (never by its name), and what its name
//! claims, so a renamed file is caught before anything is sent.

use std::path::Path;

use crate::materials::model::MediaType;

/// The material type the content is, if it is one we take.
pub(crate) fn media_type(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaType::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else {
        None
    }
}

/// A name for content we don't take, so the user hears what they picked
/// (an iPhone's HEIC photo, a Word document) rather than "unknown".
pub(crate) fn describe_other(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(4, b"ftypheic") || at(4, b"ftypheix") || at(4, b"ftypmif1") || at(4, b"ftyphevc") {
        Some("HEIC 照片")
    } else if at(4, b"ftypavif") {
        Some("AVIF 图片")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("WebP 图片")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some("GIF 图片")
    } else if at(0, b"BM") {
        Some("BMP 图片")
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        Some("TIFF 图片")
    } else if at(0, b"PK\x03\x04") {
        Some("压缩包或 Office 文档")
    } else if at(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some("旧版 Office 文档")
    } else if at(4, b"ftyp") {
        Some("视频")
    } else {
        None
    }
}

/// The material type a file's extension names, if it names one of ours.
/// Other extensions (`.tmp` of an app's cache copy, none at all) claim
/// nothing: the content decides.
pub(crate) fn named_type(path: &Path) -> Option<MediaType> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Some(MediaType::Jpeg),
        "png" => Some(MediaType::Png),
        "pdf" => Some(MediaType::Pdf),
        _ => None,
    }
}

/// How the user calls the type.
pub(crate) fn display_name(media_type: MediaType) -> &'static str {
    match media_type {
        MediaType::Jpeg => "JPEG 照片",
        MediaType::Png => "PNG 图片",
        MediaType::Pdf => "PDF 文件",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_the_type() {
        assert_eq!(media_type(b"\xFF\xD8\xFF\xE0rest"), Some(MediaType::Jpeg));
        assert_eq!(media_type(b"\x89PNG\r\n\x1a\nrest"), Some(MediaType::Png));
        assert_eq!(media_type(b"%PDF-1.7"), Some(MediaType::Pdf));
        assert_eq!(media_type(b"GIF89a"), None);
        assert_eq!(media_type(b""), None);
        assert_eq!(describe_other(b"\0\0\0\x18ftypheic"), Some("HEIC 照片"));
        assert_eq!(describe_other(b"RIFF\0\0\0\0WEBPVP8 "), Some("WebP 图片"));
    }

    #[test]
    fn only_our_extensions_claim_a_type() {
        assert_eq!(named_type(Path::new("a/IMG_1.JPG")), Some(MediaType::Jpeg));
        assert_eq!(named_type(Path::new("scan.pdf")), Some(MediaType::Pdf));
        assert_eq!(named_type(Path::new("cache/4f2a.tmp")), None);
        assert_eq!(named_type(Path::new("noextension")), None);
    }
}
