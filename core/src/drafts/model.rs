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
