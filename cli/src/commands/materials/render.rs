//! Uploads and materials as text and as the JSON `--json` prints.

use banshitong_core::materials::{
    IssuedLicence, Material, MediaType, Reuse, UploadItem, UploadState,
};
use indicatif::HumanBytes;
use serde::Serialize;

use crate::output::{Style, ago};

/// `queued`, `uploading`, `paused`, `retry_waiting`, `done`, `failed`, `cancelled`.
pub fn state_name(state: &UploadState) -> &'static str {
    match state {
        UploadState::Queued => "queued",
        UploadState::Uploading => "uploading",
        UploadState::Paused => "paused",
        UploadState::RetryWaiting { .. } => "retry_waiting",
        UploadState::Done { .. } => "done",
        UploadState::Failed { .. } => "failed",
        UploadState::Cancelled => "cancelled",
    }
}

pub fn reuse_name(reuse: Reuse) -> &'static str {
    match reuse {
        Reuse::Uploaded => "uploaded",
        Reuse::SameFile => "same_file",
        Reuse::Licence => "licence",
    }
}

/// `JPEG`, `PNG`, `PDF`.
pub fn type_label(media_type: MediaType) -> String {
    media_type.type_name().to_ascii_uppercase()
}

/// `43% of 3.10 MiB on the platform` while unfinished, the size once ended.
pub fn sent_text(item: &UploadItem) -> String {
    let total = HumanBytes(item.total_bytes);
    if item.state.is_final() {
        return total.to_string();
    }
    format!(
        "{}% of {total} on the platform",
        item.sent_bytes.min(item.total_bytes) * 100 / item.total_bytes.max(1)
    )
}

/// `name: reason` for each upload that failed or was cancelled (empty when
/// every one went through).
pub fn refused_lines(items: &[UploadItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| match &i.state {
            UploadState::Failed { reason } => Some(format!("{}: {reason}", i.display_name)),
            UploadState::Cancelled => Some(format!("{}: cancelled", i.display_name)),
            _ => None,
        })
        .collect()
}

/// What the item is doing or how it ended, in words.
pub fn state_text(item: &UploadItem) -> String {
    match &item.state {
        UploadState::Queued => "queued: sent when an upload slot and the network are free".into(),
        UploadState::Uploading => "uploading".into(),
        UploadState::Paused => "paused (`bst uploads resume ID` continues it)".into(),
        UploadState::RetryWaiting {
            attempts,
            last_error,
            ..
        } => format!("waiting to try again after {attempts} attempt(s): {last_error}"),
        UploadState::Done {
            material_ref,
            reuse,
        } => match reuse {
            Reuse::Uploaded => format!("done: material {material_ref}"),
            Reuse::SameFile => format!(
                "done without sending anything: the platform already held this file as {material_ref}"
            ),
            Reuse::Licence => format!(
                "done without sending anything: the electronic licence {material_ref} stands in for it"
            ),
        },
        UploadState::Failed { reason } => format!("refused: {reason}"),
        UploadState::Cancelled => "cancelled (the platform dropped what it had received)".into(),
    }
}

/// Two lines per queue item: its id and name, then the facts.
pub fn item_lines(style: Style, item: &UploadItem) -> [String; 2] {
    let mut facts = vec![
        type_label(item.media_type),
        sent_text(item),
        state_text(item),
        format!("added {}", ago(item.created_at_ms)),
    ];
    if let (Some(draft), Some(slot)) = (&item.draft_id, &item.slot_key) {
        facts.push(format!("for draft {draft} slot {slot}"));
    }
    [
        format!("{}  {}", item.id, style.bold(&item.display_name)),
        format!("    {}", style.dim(&facts.join(" · "))),
    ]
}

/// An uploaded material: `m-1  营业执照.jpg · JPEG · 412.00 KiB · 3 days ago`.
pub fn material_line(style: Style, material: &Material) -> String {
    format!(
        "{}  {} {}",
        material.id,
        style.bold(&material.filename),
        style.dim(&format!(
            "· {} · {} · {} · sha256 {}…",
            type_label(material.media_type),
            HumanBytes(material.size),
            ago(material.created_at_ms),
            material.sha256.get(..12).unwrap_or(&material.sha256)
        ))
    )
}

/// The reference a draft slot takes for an issued licence.
pub fn licence_ref(licence: &IssuedLicence) -> String {
    format!("licence:{}:{}", licence.licence_type, licence.id)
}

/// `居民身份证 · 张三丰的居民身份证 · 昆明市公安局 · valid until 2031-05-01 → licence:居民身份证:L-1`.
pub fn licence_line(style: Style, licence: &IssuedLicence) -> String {
    let validity = match &licence.valid_until {
        Some(date) => format!("valid until {date}"),
        None => "no end date".to_owned(),
    };
    format!(
        "{} {} → {}",
        style.bold(&licence.title),
        style.dim(&format!(
            "· {} · {} · {validity}",
            licence.licence_type, licence.issuer
        )),
        licence_ref(licence)
    )
}

#[derive(Serialize)]
pub struct UploadJson<'a> {
    id: &'a str,
    display_name: &'a str,
    /// `jpeg`, `png` or `pdf`.
    media_type: &'static str,
    sha256: &'a str,
    total_bytes: u64,
    sent_bytes: u64,
    /// See `state_name`.
    state: &'static str,
    /// Once done: what a draft slot takes (a material id or `licence:TYPE:ID`).
    material_ref: Option<&'a str>,
    /// Once done: `uploaded`, `same_file` or `licence`.
    reuse: Option<&'static str>,
    /// When failed: why, for the user.
    reason: Option<&'a str>,
    /// While waiting to try again.
    attempts: Option<u32>,
    next_attempt_at_ms: Option<i64>,
    last_error: Option<&'a str>,
    draft_id: Option<&'a str>,
    slot_key: Option<&'a str>,
    created_at_ms: i64,
    updated_at_ms: i64,
}

impl<'a> From<&'a UploadItem> for UploadJson<'a> {
    fn from(item: &'a UploadItem) -> Self {
        let mut json = UploadJson {
            id: &item.id,
            display_name: &item.display_name,
            media_type: item.media_type.type_name(),
            sha256: &item.sha256,
            total_bytes: item.total_bytes,
            sent_bytes: item.sent_bytes,
            state: state_name(&item.state),
            material_ref: None,
            reuse: None,
            reason: None,
            attempts: None,
            next_attempt_at_ms: None,
            last_error: None,
            draft_id: item.draft_id.as_deref(),
            slot_key: item.slot_key.as_deref(),
            created_at_ms: item.created_at_ms,
            updated_at_ms: item.updated_at_ms,
        };
        match &item.state {
            UploadState::Done {
                material_ref,
                reuse,
            } => {
                json.material_ref = Some(material_ref);
                json.reuse = Some(reuse_name(*reuse));
            }
            UploadState::Failed { reason } => json.reason = Some(reason),
            UploadState::RetryWaiting {
                attempts,
                next_attempt_at_ms,
                last_error,
            } => {
                json.attempts = Some(*attempts);
                json.next_attempt_at_ms = Some(*next_attempt_at_ms);
                json.last_error = Some(last_error);
            }
            UploadState::Queued
            | UploadState::Uploading
            | UploadState::Paused
            | UploadState::Cancelled => {}
        }
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(state: UploadState, sent_bytes: u64) -> UploadItem {
        UploadItem {
            id: "u-1".into(),
            display_name: "营业执照.jpg".into(),
            media_type: MediaType::Jpeg,
            sha256: "ab".repeat(32),
            total_bytes: 4 * 1024 * 1024,
            sent_bytes,
            state,
            draft_id: Some("d-1".into()),
            slot_key: Some("licence_photo".into()),
            created_at_ms: 0,
            updated_at_ms: 0,
        }
    }

    #[test]
    fn a_partly_sent_item_says_how_far_it_got() {
        assert_eq!(
            sent_text(&item(UploadState::Paused, 1024 * 1024)),
            "25% of 4.00 MiB on the platform"
        );
        assert_eq!(
            sent_text(&item(UploadState::Queued, 0)),
            "0% of 4.00 MiB on the platform"
        );
        let done = UploadState::Done {
            material_ref: "m-1".into(),
            reuse: Reuse::Uploaded,
        };
        assert_eq!(sent_text(&item(done, 4 * 1024 * 1024)), "4.00 MiB");
    }

    #[test]
    fn json_carries_what_each_state_knows() {
        let done = item(
            UploadState::Done {
                material_ref: "m-9".into(),
                reuse: Reuse::SameFile,
            },
            4 * 1024 * 1024,
        );
        let json = serde_json::to_value(UploadJson::from(&done)).unwrap();
        assert_eq!(json["state"], "done");
        assert_eq!(json["material_ref"], "m-9");
        assert_eq!(json["reuse"], "same_file");
        assert_eq!(json["media_type"], "jpeg");
        assert!(json["reason"].is_null());

        let waiting = item(
            UploadState::RetryWaiting {
                attempts: 3,
                next_attempt_at_ms: 99,
                last_error: "offline".into(),
            },
            0,
        );
        let json = serde_json::to_value(UploadJson::from(&waiting)).unwrap();
        assert_eq!(json["state"], "retry_waiting");
        assert_eq!(json["attempts"], 3);
        assert_eq!(json["last_error"], "offline");
    }
}
