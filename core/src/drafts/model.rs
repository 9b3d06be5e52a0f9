//! Application drafts (申请草稿) as the app shows them.

pub use banshitong_forms::{FieldError, SlotFill};

/// One draft of an application form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Draft {
    /// Chosen on the device (a UUID), the same on the platform.
    pub id: String,
    pub guide_code: String,
    pub guide_name: String,
    /// The form this draft fills (`GET /api/v1/forms/{schema_id}`).
    pub schema_id: String,
    pub title: String,
    /// The answers: a JSON object, e.g. `{"name":"张三","members":[{"name":"李四"}]}`.
    pub values_json: String,
    /// What fills each material slot (uploads or licences already held).
    pub materials: Vec<SlotFill>,
    /// Goes up by one with every saved change.
    pub revision: u64,
    pub state: DraftState,
    /// The platform's verdict on the last submission (422), until fixed.
    pub platform_errors: Vec<FieldError>,
    /// Why the last submission was refused, when not field by field.
    pub submit_error: Option<String>,
    /// Set on a conflict copy: the draft whose other version this is.
    pub conflict_of: Option<String>,
    /// Whether the platform holds this revision (for continuing on another phone).
    pub synced: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DraftState {
    Editing,
    /// In the outbox: sent as soon as the platform can be reached.
    Submitting,
    /// The platform accepted it and gave it an application number (办件编号).
    Submitted {
        application_no: String,
    },
}

impl DraftState {
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            DraftState::Editing => "editing",
            DraftState::Submitting => "submitting",
            DraftState::Submitted { .. } => "submitted",
        }
    }
}

/// What a saved change reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SavedChange {
    /// The draft's revision with this change in it: committed to disk.
    pub revision: u64,
    /// Problems with the changed field as it is now (as-you-type checks).
    pub field_errors: Vec<FieldError>,
}

/// What submitting did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SubmitOutcome {
    /// The form has problems; nothing was queued.
    Invalid { errors: Vec<FieldError> },
    /// In the outbox; the draft's state says when the platform answers.
    Queued,
    /// Already submitted (pressing submit again changes nothing).
    AlreadySubmitted { application_no: String },
}

/// The outbox as the app shows it ("1 application waiting for the network").
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OutboxStatus {
    pub pending: u32,
    pub last_error: Option<String>,
    pub next_attempt_at_ms: Option<i64>,
}

/// What a drafts sync did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DraftSyncReport {
    pub pushed: u32,
    pub pulled: u32,
    /// Drafts changed on both sides: the platform's version kept under the
    /// draft's id, this device's as a conflict copy.
    pub conflict_copies: u32,
    pub deleted: u32,
}

/// What the office asked for when it sent an application back for
/// supplement (补正), as a supplement draft is started from it: one
/// material slot per requested material, answered like any other draft.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SupplementDraftRequest {
    /// The application the answer is for (办件编号).
    pub application_no: String,
    /// The request being answered (`supplement.request_seq`); the platform
    /// refuses an answer to any other.
    pub request_seq: i64,
    pub guide_code: String,
    pub guide_name: String,
    /// The office's note on the request, shown by the answer's comment box.
    pub comment: Option<String>,
    /// The materials to add, in the office's order.
    pub slots: Vec<SupplementSlot>,
}

/// One material the office asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SupplementSlot {
    /// The slot key the answer fills (`materials[].slot_key`).
    pub key: String,
    /// e.g. 近期免冠照片.
    pub name: String,
    /// Why it is needed, e.g. 照片模糊 (empty when the office gave none).
    pub reason: String,
}

/// A supplement draft and where its request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SupplementDraft {
    pub draft_id: String,
    pub request: SupplementDraftRequest,
    pub status: SupplementStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SupplementStatus {
    /// Waiting for the applicant's answer (or on its way in the outbox).
    Open,
    /// The platform took the answer (the draft is `Submitted`).
    Answered,
    /// The office no longer waits for this answer: it asked again (a newer
    /// request), or the application moved on (e.g. withdrawn). Submitting
    /// it is refused with `Error::Conflict`; answer the current request.
    Superseded,
}
