//! What a sync reports while it runs, and when it ends.

/// Sent to the progress listener after each step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncProgress {
    pub phase: SyncPhase,
    /// Change pages applied so far.
    pub pages: u32,
    pub upserted: u64,
    pub deleted: u64,
    /// Changes the platform says are left, when it says.
    pub remaining: Option<u64>,
    /// Guides in the offline catalog now.
    pub guides: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SyncPhase {
    Started,
    /// A first install was served by the compressed snapshot.
    SnapshotImported,
    PageApplied,
    /// The platform no longer had our place in its change log (410): the
    /// sync started over from the beginning, keeping the old copy readable.
    Restarted,
    Finished,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncReport {
    /// False when the sync was cancelled; what it applied before stays.
    pub completed: bool,
    pub pages: u32,
    pub upserted: u64,
    pub deleted: u64,
    /// Guides dropped because a full pass no longer found them.
    pub swept: u64,
    pub used_snapshot: bool,
    pub restarted: bool,
    pub guides: u64,
    pub last_synced_at_ms: Option<i64>,
}

/// How to sync.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncOptions {
    /// On a first install, fetch the compressed snapshot instead of paging
    /// through the whole change log.
    #[cfg_attr(feature = "uniffi", uniffi(default = true))]
    pub snapshot_on_first_install: bool,
    /// Changes per page, 1 to 1000.
    #[cfg_attr(feature = "uniffi", uniffi(default = 1000))]
    pub page_size: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            snapshot_on_first_install: true,
            page_size: 1000,
        }
    }
}

/// The offline catalog's state, for the UI ("updated 5 minutes ago").
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CatalogStatus {
    pub guides: u64,
    pub last_synced_at_ms: Option<i64>,
    /// A sync stopped part-way and will continue where it stopped.
    pub sync_incomplete: bool,
}
