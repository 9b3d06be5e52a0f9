//! Materials (申请材料): photos and PDFs that go with applications, and the
//! library of what the platform already holds: `client.materials()`.
//!
//! - `prepare/`: photos are made upright, small and metadata-free before
//!   anything leaves the phone; the result is hashed (sha256).
//! - Reuse first: a slot an issued licence satisfies takes the licence, and
//!   a file whose sha256 the platform already holds is not sent again.
//! - The upload queue lives in the personal database and speaks tus 1.0.0,
//!   so an upload survives bad networks and a killed app and resumes from
//!   the platform's offset.

pub mod model;
pub mod prepare;

use std::time::Duration;

pub use self::model::{
    AddMaterial, IssuedLicence, Material, MaterialLibrary, MaterialProblem, MediaType,
    ResumeReport, Reuse, UploadItem, UploadProgress, UploadState,
};
use crate::error::Result;
use crate::events::Subscription;

/// The signed-in user's materials and upload queue.
#[derive(Clone)]
pub struct Materials {}

impl Materials {
    /// Prepares the file, reuses what the platform holds when it can, and
    /// queues the rest for upload. Returns once the item is safely queued
    /// (or already done by reuse); the upload goes on in the background.
    pub async fn add(&self, request: AddMaterial) -> Result<UploadItem> {
        let _ = request;
        unimplemented!()
    }

    /// Every item of the queue, newest first (finished ones included until cleared).
    pub async fn uploads(&self) -> Result<Vec<UploadItem>> {
        unimplemented!()
    }

    /// The queue: its current content first, then each change.
    pub fn watch_uploads(&self) -> Subscription<Vec<UploadItem>> {
        unimplemented!()
    }

    /// One item's progress: current first, then a few updates a second at most.
    pub async fn watch_upload(&self, id: String) -> Result<Subscription<UploadProgress>> {
        let _ = id;
        unimplemented!()
    }

    pub async fn pause(&self, id: String) -> Result<UploadItem> {
        let _ = id;
        unimplemented!()
    }

    pub async fn resume(&self, id: String) -> Result<UploadItem> {
        let _ = id;
        unimplemented!()
    }

    /// Stops the upload and tells the platform to drop what it received.
    pub async fn cancel(&self, id: String) -> Result<UploadItem> {
        let _ = id;
        unimplemented!()
    }

    /// Waits until the item is done, failed or cancelled.
    pub async fn wait(&self, id: String) -> Result<UploadItem> {
        let _ = id;
        unimplemented!()
    }

    /// Removes finished, failed and cancelled items from the queue view.
    pub async fn clear_finished(&self) -> Result<u32> {
        unimplemented!()
    }

    /// What the user can attach without uploading: uploaded before, and issued licences.
    pub async fn library(&self) -> Result<MaterialLibrary> {
        unimplemented!()
    }

    /// For the native background schedulers (Android WorkManager, iOS
    /// background tasks): uploads as much as fits in `budget`, then stops
    /// cleanly, leaving the rest queued.
    pub async fn resume_pending(&self, budget: Duration) -> Result<ResumeReport> {
        let _ = budget;
        unimplemented!()
    }
}
