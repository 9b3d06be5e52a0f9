//! Materials (申请材料) as the app shows them: files in the upload queue,
//! materials the platform already holds for the user, licences issued to them.

use serde::{Deserialize, Serialize};

/// What kind of file a material is. Always decided by the content (magic
/// bytes), never by the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    Jpeg,
    Png,
    Pdf,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Pdf => "application/pdf",
        }
    }

    /// The short name form schemas use in `accepted_types` (`jpeg`, `png`, `pdf`).
    pub fn type_name(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpeg",
            MediaType::Png => "png",
            MediaType::Pdf => "pdf",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        match mime.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" => Some(MediaType::Jpeg),
            "image/png" => Some(MediaType::Png),
            "application/pdf" => Some(MediaType::Pdf),
            _ => None,
        }
    }
}

/// Why a file can't be used as a material. The UI shows the error's message;
/// the kind lets it offer the right next step (take the photo again, pick a
/// PDF, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MaterialProblem {
    /// Empty, truncated or corrupt: the file can't be read as what it claims to be.
    Unreadable,
    /// Not a JPEG, PNG or PDF (whatever its name says), or a type the slot doesn't take.
    UnsupportedType,
    /// An image with more pixels than a phone can safely decode (a decompression bomb).
    TooManyPixels,
    /// Bigger than the platform accepts for one material.
    TooLarge,
}

/// One file to add as a material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AddMaterial {
    /// A readable file on this device. The Android app copies a content URI
    /// into its cache first; the iOS app exports a PHAsset to a file.
    pub path: String,
    /// Shown in the library; the file's name when not given.
    pub display_name: Option<String>,
    /// The draft and slot the finished material is attached to, if any. A
    /// slot that an issued licence satisfies takes the licence: no bytes sent.
    pub draft_id: Option<String>,
    pub slot_key: Option<String>,
    /// Longest side of a prepared photo in pixels (default 2048).
    pub max_side_px: Option<u32>,
    /// JPEG quality of a prepared photo, 1..=100 (default 85).
    pub jpeg_quality: Option<u8>,
}

impl AddMaterial {
    pub fn file(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            display_name: None,
            draft_id: None,
            slot_key: None,
            max_side_px: None,
            jpeg_quality: None,
        }
    }
}

/// How a finished item came to be on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Reuse {
    /// Its bytes were uploaded.
    Uploaded,
    /// The platform already held a material with the same sha256: nothing sent.
    SameFile,
    /// An issued licence satisfies the slot: nothing prepared, nothing sent.
    Licence,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum UploadState {
    /// Waiting for a free upload slot or for the network.
    Queued,
    Uploading,
    /// Paused by the user; stays until resumed or cancelled.
    Paused,
    /// A try failed for a reason that may pass (network, busy platform).
    RetryWaiting {
        attempts: u32,
        next_attempt_at_ms: i64,
        last_error: String,
    },
    /// On the platform. `material_ref` goes into a draft's slot: a material
    /// id, or `licence:<type>:<id>` when a licence was reused.
    Done {
        material_ref: String,
        reuse: Reuse,
    },
    /// The platform refused the file for good (type, size, checksum of the
    /// whole file); the reason is for the user.
    Failed {
        reason: String,
    },
    /// Cancelled by the user; the platform was told to drop the partial upload.
    Cancelled,
}

impl UploadState {
    /// Whether nothing more will happen to the item on its own.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            UploadState::Done { .. } | UploadState::Failed { .. } | UploadState::Cancelled
        )
    }
}

/// One item of the persisted upload queue.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UploadItem {
    /// Chosen on the device (a UUID).
    pub id: String,
    pub display_name: String,
    pub media_type: MediaType,
    /// Of the prepared bytes, lowercase hex. Empty (and `total_bytes` 0,
    /// `media_type` Pdf) when a licence was reused: no file was prepared.
    pub sha256: String,
    pub total_bytes: u64,
    /// What the platform has confirmed holding (saved a few times a second
    /// while bytes move, and whenever the upload stops).
    pub sent_bytes: u64,
    pub state: UploadState,
    pub draft_id: Option<String>,
    pub slot_key: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// Progress of one upload, a few times a second at most.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UploadProgress {
    pub id: String,
    /// What the platform confirmed plus what of the current chunk went out;
    /// after a cut connection it falls back to what the platform holds.
    pub sent_bytes: u64,
    pub total_bytes: u64,
    /// Recent rate (0 until the first chunk is through).
    pub bytes_per_second: u64,
    pub state: UploadState,
}

/// A material the platform holds for the user (uploaded before, on any device).
/// `UploadedMaterial` across the FFI: the catalog's `Material` (what a guide
/// asks for) has the name there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "UploadedMaterial"))]
pub struct Material {
    pub id: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: MediaType,
    pub filename: String,
    pub created_at_ms: i64,
}

/// An electronic licence (电子证照) issued to the user. A draft slot of its
/// type takes it instead of an upload (`licence:<type>:<id>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct IssuedLicence {
    pub id: String,
    /// The type slots name, e.g. 居民身份证, 营业执照.
    pub licence_type: String,
    pub title: String,
    pub issuer: String,
    /// e.g. `2031-05-01`; none for licences without an end.
    pub valid_until: Option<String>,
}

/// What the user can attach without uploading anything new.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MaterialLibrary {
    /// Uploaded before, newest first.
    pub mine: Vec<Material>,
    /// Issued by departments.
    pub issued: Vec<IssuedLicence>,
}

/// What a background run (`resume_pending`) did before its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ResumeReport {
    /// Items that reached the platform during the run.
    pub finished: u32,
    /// Items still waiting (paused ones not counted).
    pub remaining: u32,
    pub bytes_sent: u64,
    /// True when the deadline, not an empty queue, ended the run.
    pub stopped_by_deadline: bool,
}
