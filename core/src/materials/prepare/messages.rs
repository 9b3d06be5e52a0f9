//! What the user reads when a file can't be used: each names what is wrong
//! and what to do next, in the app's language. The problem kind lets the
//! UI offer the matching action (take the photo again, pick a PDF...).

use crate::error::Error;
use crate::materials::model::{MaterialProblem, MediaType};

use super::sniff;

fn refuse(problem: MaterialProblem, message: String) -> Error {
    Error::bad_material(problem, message)
}

pub(crate) fn empty() -> Error {
    refuse(MaterialProblem::Unreadable, "文件是空的，请重新选择".into())
}

pub(crate) fn cannot_open(reason: &std::io::Error) -> Error {
    tracing::debug!(%reason, "material file can't be read");
    refuse(
        MaterialProblem::Unreadable,
        "无法读取这个文件，请确认它仍在手机上后重新选择".into(),
    )
}

pub(crate) fn unsupported(content: Option<&str>) -> Error {
    let message = match content {
        Some(what) => format!("只能使用 JPEG、PNG 照片或 PDF 文件，这个文件是{what}"),
        None => "只能使用 JPEG、PNG 照片或 PDF 文件，无法识别这个文件的格式".into(),
    };
    refuse(MaterialProblem::UnsupportedType, message)
}

pub(crate) fn renamed(named: MediaType, actual: MediaType) -> Error {
    refuse(
        MaterialProblem::UnsupportedType,
        format!(
            "文件名显示是{}，但内容其实是{}，请确认选对了文件",
            sniff::display_name(named),
            sniff::display_name(actual)
        ),
    )
}

pub(crate) fn too_large(size: u64, max: u64) -> Error {
    refuse(
        MaterialProblem::TooLarge,
        format!(
            "文件太大（{}），单个材料不能超过 {}",
            megabytes(size),
            megabytes(max)
        ),
    )
}

pub(crate) fn prepared_too_large(size: u64, max: u64) -> Error {
    refuse(
        MaterialProblem::TooLarge,
        format!(
            "处理后的照片仍然太大（{}），单个材料不能超过 {}，请降低清晰度后重试",
            megabytes(size),
            megabytes(max)
        ),
    )
}

pub(crate) fn too_many_pixels(width: u32, height: u32, max_pixels: u64) -> Error {
    refuse(
        MaterialProblem::TooManyPixels,
        format!(
            "图片尺寸过大（{width}×{height} 像素），超过了能安全处理的 {} 万像素，请缩小后再选择",
            max_pixels / 10_000
        ),
    )
}

pub(crate) fn damaged(media_type: MediaType, detail: &str) -> Error {
    // The decoder's words help a developer, not the user.
    tracing::debug!(detail, "material can't be decoded");
    let message = match media_type {
        MediaType::Pdf => "PDF 文件不完整或已损坏，请重新下载或导出后再选择",
        MediaType::Jpeg | MediaType::Png => "照片已损坏或不完整，无法读取，请重新拍摄或重新选择",
    };
    refuse(MaterialProblem::Unreadable, message.into())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}
