//! What the app sees of the user's applications (办件): their status, the
//! timeline, deadlines and what the platform asks of the applicant.
//! Timestamps are milliseconds since the Unix epoch.

use serde::{Deserialize, Serialize};

pub use crate::drafts::FieldError;

/// Where an application stands (the workflow of decision 0005).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 已提交: received, not yet looked at.
    Submitted,
    /// 已受理: the time limit runs.
    Accepted,
    /// 不予受理 (final).
    NotAccepted,
    /// 待补正: the applicant has materials to add.
    SupplementRequired,
    /// 审查中.
    UnderReview,
    /// 已决定: approved or refused (see `decision`).
    Decided,
    /// 已办结.
    Completed,
    /// 已撤回 by the applicant (final).
    Withdrawn,
    /// 已送达 (final).
    Delivered,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 9] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::Accepted,
        ApplicationStatus::NotAccepted,
        ApplicationStatus::SupplementRequired,
        ApplicationStatus::UnderReview,
        ApplicationStatus::Decided,
        ApplicationStatus::Completed,
        ApplicationStatus::Withdrawn,
        ApplicationStatus::Delivered,
    ];

    /// The wire name (`supplement_required`).
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::NotAccepted => "not_accepted",
            ApplicationStatus::SupplementRequired => "supplement_required",
            ApplicationStatus::UnderReview => "under_review",
            ApplicationStatus::Decided => "decided",
            ApplicationStatus::Completed => "completed",
            ApplicationStatus::Withdrawn => "withdrawn",
            ApplicationStatus::Delivered => "delivered",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether nothing more will happen to it. A refused decision ends at
    /// `completed`, so `completed` counts as final too: an approved one
    /// still goes on to `delivered`, which the "done" filter shows either way.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::NotAccepted
                | ApplicationStatus::Withdrawn
                | ApplicationStatus::Completed
                | ApplicationStatus::Delivered
        )
    }

    /// Whether the office has decided (the deadline no longer matters).
    pub(crate) fn is_decided_or_later(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Decided
                | ApplicationStatus::Completed
                | ApplicationStatus::Delivered
                | ApplicationStatus::NotAccepted
                | ApplicationStatus::Withdrawn
        )
    }
}

/// What the platform waits for the applicant to do.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeededAction {
    /// Answer the supplement request (补正材料).
    Supplement,
    /// Pay the fee (缴费).
    Fee,
}

/// Which applications a list shows.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationFilter {
    All,
    /// Not final yet (see [`ApplicationStatus::is_final`]); includes those
    /// that need the applicant.
    InProgress,
    /// The platform waits for the applicant (`needs_action` is set).
    NeedsAction,
    /// Final: not accepted, withdrawn, completed or delivered.
    Done,
}

/// One line of the "my applications" list.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    /// 办件编号.
    pub application_no: String,
    pub guide_code: String,
    pub guide_name: String,
    pub department_name: String,
    pub status: ApplicationStatus,
    pub needs_action: Option<NeededAction>,
    pub submitted_at_ms: i64,
    pub updated_at_ms: i64,
    /// The promised time limit (承诺时限), when it runs.
    pub promised_due_at_ms: Option<i64>,
    /// Not decided yet and past the promised time, by this device's clock.
    pub overdue: bool,
    /// The platform's change sequence of this version.
    pub change_seq: i64,
}

/// One application in full: the summary's fields and the rest.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub application_no: String,
    pub guide_code: String,
    pub guide_name: String,
    pub department_name: String,
    pub status: ApplicationStatus,
    pub needs_action: Option<NeededAction>,
    pub submitted_at_ms: i64,
    pub updated_at_ms: i64,
    pub promised_due_at_ms: Option<i64>,
    pub overdue: bool,
    /// Completed after the promised time (办结超期).
    pub completed_late: bool,
    pub change_seq: i64,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    pub deadlines: Option<Deadlines>,
    /// The open supplement request, while `supplement_required`.
    pub supplement: Option<SupplementRequest>,
    pub decision: Option<Decision>,
    pub fee: Option<Fee>,
    pub delivery: Option<Delivery>,
    pub can_withdraw: bool,
}

impl Application {
    pub fn summary(&self) -> ApplicationSummary {
        ApplicationSummary {
            application_no: self.application_no.clone(),
            guide_code: self.guide_code.clone(),
            guide_name: self.guide_name.clone(),
            department_name: self.department_name.clone(),
            status: self.status,
            needs_action: self.needs_action,
            submitted_at_ms: self.submitted_at_ms,
            updated_at_ms: self.updated_at_ms,
            promised_due_at_ms: self.promised_due_at_ms,
            overdue: self.overdue,
            change_seq: self.change_seq,
        }
    }
}

/// What a timeline entry records.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Submitted,
    Accepted,
    NotAccepted,
    SupplementRequested,
    SupplementAnswered,
    ReviewStarted,
    Approved,
    Refused,
    FeePaid,
    Completed,
    Delivered,
    Withdrawn,
    /// A kind this version of the app does not know yet.
    Other,
}

impl TimelineKind {
    pub(crate) fn from_name(name: &str) -> Self {
        match name {
            "submitted" => TimelineKind::Submitted,
            "accepted" => TimelineKind::Accepted,
            "not_accepted" => TimelineKind::NotAccepted,
            "supplement_requested" => TimelineKind::SupplementRequested,
            "supplement_answered" => TimelineKind::SupplementAnswered,
            "review_started" => TimelineKind::ReviewStarted,
            "approved" => TimelineKind::Approved,
            "refused" => TimelineKind::Refused,
            "fee_paid" => TimelineKind::FeePaid,
            "completed" => TimelineKind::Completed,
            "delivered" => TimelineKind::Delivered,
            "withdrawn" => TimelineKind::Withdrawn,
            _ => TimelineKind::Other,
        }
    }
}

/// One step of the application's history.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub kind: TimelineKind,
    /// The platform's name of the kind, also when `kind` is `Other`.
    pub kind_name: String,
    pub at_ms: i64,
    pub department: Option<String>,
    pub comment: Option<String>,
    /// What the kind needs (requested materials, reasons, tracking number,
    /// licence id) as a JSON object text.
    pub details_json: String,
}

/// The time limits (办结时限), end of the due day in China Standard Time.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// 承诺时限.
    pub promised_due_at_ms: i64,
    /// 法定时限.
    pub legal_due_at_ms: i64,
}

/// One material the office asks for.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedMaterial {
    /// The slot key the answer fills.
    pub key: String,
    pub name: String,
    pub reason: Option<String>,
}

/// An open supplement request (补正通知).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRequest {
    /// Which request this is; the answer names it.
    pub request_seq: i64,
    pub requested_at_ms: i64,
    pub comment: Option<String>,
    pub materials: Vec<RequestedMaterial>,
}

#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approved,
    Refused,
}

/// The office's decision (准予 / 不予许可).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: DecisionOutcome,
    pub reasons: Vec<String>,
    pub decided_at_ms: i64,
}

#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    pub name: String,
    /// In fen (分): 1 yuan = 100 fen.
    pub amount_fen: i64,
}

/// The fee of an approval (缴费). `ApplicationFee` across the FFI: the
/// catalog's `Fee` (what a guide charges) has the name there.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "ApplicationFee"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub amount_fen: i64,
    pub items: Vec<FeeItem>,
    /// None while unpaid.
    pub paid_at_ms: Option<i64>,
}

/// How the result reached the applicant (送达).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// By courier, with a tracking number (快递).
    Courier {
        carrier: Option<String>,
        tracking_no: String,
    },
    /// An electronic licence issued into the licence library (电子证照).
    Licence {
        licence_id: String,
        licence_type: Option<String>,
    },
}

/// Something that needs the user (or that they want to know at once), for
/// a local notification. Raised once per change the device sees.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationEvent {
    /// The office asks for materials (into `supplement_required`).
    SupplementRequired {
        application_no: String,
        guide_name: String,
        materials: Vec<RequestedMaterial>,
    },
    /// An approval with a fee to pay.
    FeeDue {
        application_no: String,
        guide_name: String,
        amount_fen: i64,
    },
    /// 已办结 (approved or refused).
    Completed {
        application_no: String,
        guide_name: String,
        outcome: Option<DecisionOutcome>,
    },
    /// 已送达: by courier, or as an electronic licence.
    Delivered {
        application_no: String,
        guide_name: String,
        delivery: Option<Delivery>,
    },
    /// Every status change of an application this device knew before.
    StatusChanged {
        application_no: String,
        from: ApplicationStatus,
        to: ApplicationStatus,
    },
}

/// The live connection (SSE) as the app may show it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// Not wanted (the app is in the background) or nobody is signed in.
    Off,
    Connecting,
    /// Connected: changes arrive as they happen.
    Live,
    /// Disconnected; the next attempt is at `retry_at_ms`.
    Retrying {
        attempt: u32,
        retry_at_ms: i64,
    },
}

/// Why a push payload was ignored.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushIgnoredReason {
    /// Ours, but a field is missing or unreadable.
    Malformed,
    /// For another account than the one signed in.
    OtherUser,
    /// Nobody is signed in on this device.
    SignedOut,
    /// Not a Banshitong application message (another SDK's push).
    NotOurs,
}

/// What handling a push payload did.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// A cursor sync ran: the numbers that changed, and how many were removed.
    Synced { changed: Vec<String>, removed: u32 },
    /// The payload was left alone.
    Ignored { reason: PushIgnoredReason },
    /// Ours and for this user, but the sync failed (offline): the next
    /// sync (foreground, live connection, scheduler) catches up.
    SyncFailed { message: String },
}

/// What a cursor sync did.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApplicationSyncReport {
    /// Numbers whose stored version changed.
    pub changed: Vec<String>,
    /// Numbers removed (tombstones, or left out of a full pass).
    pub removed: Vec<String>,
    /// True when the sync started over without a cursor (first sync, or the
    /// platform said the cursor was too old).
    pub full_resync: bool,
}

/// What answering a supplement request did.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplementOutcome {
    /// Something requested is missing; nothing was queued.
    Invalid { errors: Vec<FieldError> },
    /// In the outbox: sent as soon as the platform can be reached.
    Queued,
    /// This answer was sent already (pressing send again changes nothing).
    AlreadySent { application_no: String },
}

/// What a background run did within its budget.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BackgroundSyncReport {
    /// Whether the application sync finished. False when it couldn't reach
    /// the platform, ran out of budget or failed while the rest of the run
    /// did work: the applications need another run.
    pub applications_synced: bool,
    pub applications_changed: u32,
    pub applications_removed: u32,
    /// Submissions and supplement answers still waiting in the outbox.
    pub outbox_pending: u32,
    pub uploads_finished: u32,
    pub uploads_remaining: u32,
    /// True when the budget, not finished work, ended the run.
    pub stopped_by_deadline: bool,
}
