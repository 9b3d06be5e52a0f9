//! `BstMaterials`: the signed-in user's materials (申请材料) as the apps see
//! them (`client.materials()`): add a file (prepared, reused or queued for a
//! resumable upload), follow an upload's progress, pause / resume / cancel,
//! the library of what the platform already holds, and the entry point of
//! the native background schedulers. Thin like `BstDrafts`: each method is
//! the core's, on our runtime, with its error made a `BstError`. The records
//! (`AddMaterial`, `UploadItem`, `UploadProgress`, `MaterialLibrary`, …) are
//! core's.

use std::sync::Arc;
use std::time::Duration;

use banshitong_core::materials::{
    AddMaterial, MaterialLibrary, Materials, ResumeReport, UploadItem, UploadProgress,
};

use crate::error::BstError;
use crate::runtime::run;
use crate::subscription::{SubscriptionHandle, forward};

/// Told of one upload: its progress now, then a few times a second at most
/// while bytes go out, then its final state (done, failed or cancelled).
#[uniffi::export(with_foreign)]
pub trait UploadListener: Send + Sync {
    fn on_progress(&self, progress: UploadProgress) -> Result<(), BstError>;
}

/// Told of the whole upload queue: its items now, then after each change
/// (an item added, paused, finished, …).
#[uniffi::export(with_foreign)]
pub trait UploadQueueListener: Send + Sync {
    fn on_queue(&self, items: Vec<UploadItem>) -> Result<(), BstError>;
}

/// A request to add the file at `path` with every option left to the
/// defaults (its own name, no draft, photos to 2048 px at quality 85).
#[uniffi::export]
pub fn add_material_file(path: String) -> AddMaterial {
    AddMaterial::file(path)
}

#[derive(uniffi::Object)]
pub struct BstMaterials {
    core: Materials,
}

impl BstMaterials {
    pub(crate) fn new(core: Materials) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

// As in drafts.rs: each async method runs the core's future as a task on our
// runtime, so the foreign executor only polls its handle and a panic comes
// back as an error.
#[uniffi::export]
impl BstMaterials {
    /// Prepares the file (photos upright, small, metadata-free), reuses what
    /// the platform already holds, and queues the rest. Returns once the item
    /// is safely queued, or already `Done` by reuse; the upload goes on in
    /// the background and survives the app being killed. A file that can't
    /// be used is `BadMaterial` with its `material_problem`.
    pub async fn add(&self, request: AddMaterial) -> Result<UploadItem, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.add(request).await?) }).await
    }

    /// Every item of the queue, newest first.
    pub async fn uploads(&self) -> Result<Vec<UploadItem>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.uploads().await?) }).await
    }

    /// One item of the queue; `NotFound` once cleared (or never added).
    pub async fn upload(&self, id: String) -> Result<UploadItem, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.upload(id).await?) }).await
    }

    /// Stops the upload where it is (the platform keeps what it confirmed)
    /// until `resume`; it stays queued, across restarts too.
    pub async fn pause(&self, id: String) -> Result<UploadItem, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.pause(id).await?) }).await
    }

    /// Queues a paused (or waiting) upload to start at once, from what the
    /// platform already has.
    pub async fn resume(&self, id: String) -> Result<UploadItem, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.resume(id).await?) }).await
    }

    /// Stops the upload and tells the platform to drop what it received.
    pub async fn cancel(&self, id: String) -> Result<UploadItem, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.cancel(id).await?) }).await
    }

    /// Waits until the item is done, failed or cancelled, and returns it.
    pub async fn wait(&self, id: String) -> Result<UploadItem, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.wait(id).await?) }).await
    }

    /// Drops finished, failed and cancelled items from the queue; answers how many.
    pub async fn clear_finished(&self) -> Result<u32, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.clear_finished().await?) }).await
    }

    /// What the user can attach without uploading: their materials
    /// (uploaded before, on any device) and the licences issued to them.
    pub async fn library(&self) -> Result<MaterialLibrary, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.library().await?) }).await
    }

    /// For the app's network callback (ConnectivityManager, NWPathMonitor):
    /// uploads waiting to try again go now instead of after their back-off.
    /// Also lets the queue start again after a background run's deadline.
    pub fn network_available(&self) {
        self.core.network_available();
    }

    /// For Android WorkManager and iOS background tasks: uploads as much as
    /// fits in `budget`, then stops cleanly, leaving the rest queued. Once a
    /// run stops at its deadline, nothing new starts until the app adds,
    /// resumes or calls `network_available`.
    pub async fn resume_pending(&self, budget: Duration) -> Result<ResumeReport, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.resume_pending(budget).await?) }).await
    }

    /// Calls `listener` with upload `id`'s progress now, then as it goes,
    /// until the handle is cancelled or dropped. `NotFound` for an id the
    /// queue does not hold.
    pub async fn watch_upload(
        &self,
        id: String,
        listener: Arc<dyn UploadListener>,
    ) -> Result<Arc<SubscriptionHandle>, BstError> {
        let core = self.core.clone();
        let updates = run(async move { Ok(core.watch_upload(id).await?) }).await?;
        Ok(forward(updates, move |progress| {
            listener.on_progress(progress)
        }))
    }

    /// Calls `listener` with the queue now, then after each change, until
    /// the handle is cancelled or dropped.
    pub fn watch_uploads(&self, listener: Arc<dyn UploadQueueListener>) -> Arc<SubscriptionHandle> {
        forward(self.core.watch_uploads(), move |items| {
            listener.on_queue(items)
        })
    }
}
