//! Material slots (申请材料): the documents an application needs, and how a
//! draft fills them.

use serde::{Deserialize, Serialize};

/// One document the application needs, e.g. 营业执照 or 户口簿.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MaterialSlot {
    /// ASCII snake_case; errors name the slot as `materials.<key>`.
    pub key: String,
    /// Chinese, shown to the user, e.g. 营业执照.
    pub name: String,
    #[serde(default)]
    pub required: bool,
    /// File types an upload may have: `jpeg`, `png`, `pdf`. Uploads are
    /// referred to by id in a draft, so validation can't see their type:
    /// the client's picker and the upload endpoint use
    /// [`MaterialSlot::accepts_file_type`].
    pub accepted_types: Vec<String>,
    /// How many files (or licences) at most; defaults to 1.
    #[serde(default = "one")]
    pub max_count: u32,
    /// An electronic licence (电子证照) of this type, which the platform
    /// already holds, satisfies the slot: the user needn't upload a scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_type: Option<String>,
}

fn one() -> u32 {
    1
}

/// The file types a slot may accept.
pub(crate) const FILE_TYPES: [&str; 3] = ["jpeg", "png", "pdf"];

impl MaterialSlot {
    /// Whether an upload of this type fits the slot. Takes a type name, an
    /// extension or a MIME type, any case: `jpg`, `JPEG`, `image/jpeg`.
    pub fn accepts_file_type(&self, file_type: &str) -> bool {
        let lower = file_type.trim().to_ascii_lowercase();
        let name = match lower.as_str() {
            "jpg" | "jpeg" | "image/jpeg" => "jpeg",
            "png" | "image/png" => "png",
            "pdf" | "application/pdf" => "pdf",
            _ => return false,
        };
        self.accepted_types
            .iter()
            .any(|accepted| accepted.eq_ignore_ascii_case(name))
    }
}

/// What a draft puts in one slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlotFill {
    pub slot_key: String,
    /// Upload ids or licence references, as written by [`MaterialRef`].
    pub material_refs: Vec<String>,
}

/// What one entry of `material_refs` points at. The string form is shared by
/// the app and the platform, so it is defined here: `licence:<type>:<id>`
/// names a licence the platform holds (`licence:营业执照:L123`); anything
/// else is the id of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaterialRef<'a> {
    Upload { id: &'a str },
    Licence { licence_type: &'a str, id: &'a str },
}

const LICENCE_PREFIX: &str = "licence:";

impl<'a> MaterialRef<'a> {
    /// Reads a reference; `None` when it is blank or a malformed licence
    /// reference (`licence:` without a type and an id).
    pub fn parse(reference: &'a str) -> Option<Self> {
        if reference.trim().is_empty() {
            return None;
        }
        let Some(rest) = reference.strip_prefix(LICENCE_PREFIX) else {
            return Some(MaterialRef::Upload { id: reference });
        };
        let (licence_type, id) = rest.split_once(':')?;
        (!licence_type.is_empty() && !id.is_empty())
            .then_some(MaterialRef::Licence { licence_type, id })
    }

    /// The reference to a held licence, e.g. `licence:营业执照:L123`.
    pub fn licence(licence_type: &str, id: &str) -> String {
        format!("{LICENCE_PREFIX}{licence_type}:{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip() {
        let reference = MaterialRef::licence("营业执照", "L-1:2");
        assert_eq!(
            MaterialRef::parse(&reference),
            Some(MaterialRef::Licence {
                licence_type: "营业执照",
                id: "L-1:2"
            })
        );
        assert_eq!(
            MaterialRef::parse("m_42"),
            Some(MaterialRef::Upload { id: "m_42" })
        );
        for bad in [
            "",
            "  ",
            "licence:",
            "licence:营业执照",
            "licence::L1",
            "licence:营业执照:",
        ] {
            assert_eq!(MaterialRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn file_types_by_name_extension_or_mime() {
        let slot = MaterialSlot {
            key: "photo".into(),
            name: "照片".into(),
            required: true,
            accepted_types: vec!["jpeg".into(), "png".into()],
            max_count: 1,
            licence_type: None,
        };
        for yes in ["jpeg", "JPG", "image/jpeg", "png", "image/PNG"] {
            assert!(slot.accepts_file_type(yes), "{yes}");
        }
        for no in ["pdf", "application/pdf", "gif", ""] {
            assert!(!slot.accepts_file_type(no), "{no}");
        }
    }
}
