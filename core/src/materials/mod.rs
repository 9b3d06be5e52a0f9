//! Materials (申请材料): photos and PDFs that go with applications, and the
//! library of what the platform already holds: `client.materials()`.
//!
//! - `prepare/`: photos are made upright, small and metadata-free before
//!   anything leaves the phone; the result is hashed (sha256).
//! - Reuse first (`reuse.rs`): a slot an issued licence satisfies takes the
//!   licence, and a file whose sha256 the platform already holds is not
//!   sent again.
//! - The upload queue lives in the personal database (`store.rs`) and
//!   speaks tus 1.0.0 (`tus/`), so an upload survives bad networks and a
//!   killed app and resumes from the platform's offset. `queue.rs` starts
//!   at most `max_parallel` uploads and wakes waiting ones when the network
//!   returns; `worker.rs` carries one upload through.
//! - Progress (`progress.rs`) is throttled to a few updates a second.
//! - The library (`api.rs`) is cached for offline use.

mod add;
mod api;
mod files;
pub mod model;
pub mod prepare;
mod progress;
mod queue;
mod reuse;
mod store;
pub mod tus;
mod worker;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, watch};

use self::files::MaterialFiles;
pub(crate) use self::files::remove_user_files;
pub use self::model::{
    AddMaterial, IssuedLicence, Material, MaterialLibrary, MaterialProblem, MediaType,
    ResumeReport, Reuse, UploadItem, UploadProgress, UploadState,
};
use self::progress::ProgressHub;
use self::tus::{StopHandle, TusClient};
use crate::auth::session::Session;
use crate::config::{ClientConfig, UploadSettings};
use crate::drafts::Drafts;
use crate::error::{Error, Result};
use crate::events::{Subscription, Watched};
use crate::http::HttpClient;
use crate::store::Database;
use crate::time_util::now_ms;

/// The signed-in user's materials and upload queue.
#[derive(Clone)]
pub struct Materials {
    shared: Arc<Shared>,
}

/// An upload being carried through by a worker.
struct Running {
    stop: StopHandle,
    /// Closed when the worker has ended (its sender is dropped).
    ended: watch::Receiver<()>,
}

pub(crate) struct Shared {
    user_id: String,
    db: Database,
    session: Arc<Session>,
    http: HttpClient,
    tus: TusClient,
    settings: UploadSettings,
    files: MaterialFiles,
    drafts: Drafts,
    running: Mutex<HashMap<String, Running>>,
    progress: ProgressHub,
    list: Watched<Vec<UploadItem>>,
    list_dirty: Arc<Notify>,
    /// Wakes the scheduler: something became due or a slot came free.
    kick: Arc<Notify>,
    /// Set when the network came back: waiting items are due at once.
    retry_now: AtomicBool,
    /// Set when a background run's deadline passed: nothing new starts
    /// until the app asks for uploads again.
    held: AtomicBool,
    /// Bumped on every change of an item, for `wait` and `resume_pending`.
    changes: Watched<u64>,
    finished_count: AtomicU64,
    bytes_confirmed: AtomicU64,
}

impl Shared {
    /// An item changed state: its watchers hear at once, the queue view soon.
    async fn changed(&self, id: &str) {
        self.changes.set(self.changes.get().wrapping_add(1));
        self.list_dirty.notify_one();
        let id = id.to_owned();
        if let Ok(Some(row)) = self.db.call(move |c| store::get(c, &id)).await {
            self.progress.publish(progress_of(&row.item, 0));
        }
    }

    /// Whether the session still speaks for this queue's user: after a
    /// sign-out, or another account signing in, nothing of this user's may
    /// go out under someone else's token.
    fn speaks_for_user(&self) -> bool {
        self.session.signed_in_user().as_deref() == Some(self.user_id.as_str())
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Running>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops the item's worker, if one runs, and waits until it has ended.
    /// Waits until the item's worker (if one runs) has ended: a finished
    /// upload is marked done before it is put into its draft slot, and a
    /// caller waiting for it expects both.
    async fn worker_ended(&self, id: &str) {
        let ended = self
            .lock_running()
            .get(id)
            .map(|running| running.ended.clone());
        if let Some(mut ended) = ended {
            while ended.changed().await.is_ok() {}
        }
    }

    async fn stop_worker(&self, id: &str) {
        let ended = self.lock_running().get(id).map(|running| {
            running.stop.stop();
            running.ended.clone()
        });
        if let Some(mut ended) = ended {
            // Err once the sender is gone: the worker has ended.
            while ended.changed().await.is_ok() {}
        }
    }

    fn path_of(&self, file_name: &str) -> std::path::PathBuf {
        self.files.path(file_name)
    }
}

/// The progress an item shows when it is not moving.
fn progress_of(item: &UploadItem, bytes_per_second: u64) -> UploadProgress {
    UploadProgress {
        id: item.id.clone(),
        sent_bytes: item.sent_bytes,
        total_bytes: item.total_bytes,
        bytes_per_second,
        state: item.state.clone(),
    }
}

impl Materials {
    /// Opens the queue of `user_id` and starts uploading what a previous
    /// run left (items that were uploading resume from the platform's offset).
    pub(crate) async fn open_for(
        user_id: String,
        db: Database,
        config: &ClientConfig,
        http: HttpClient,
        session: Arc<Session>,
        drafts: Drafts,
    ) -> Result<Self> {
        let files = MaterialFiles::for_user(&config.data_dir_path(), &user_id);
        files.ensure_dir()?;
        let (items, needed) = db
            .call(|c| {
                store::requeue_interrupted(c, now_ms())?;
                Ok((store::all(c)?, store::file_names(c)?))
            })
            .await?;
        files.remove_unlisted(&needed);
        let settings = UploadSettings {
            chunk_bytes: config.uploads.chunk_bytes,
            max_parallel: config.uploads.max_parallel.max(1),
        };
        // A chunk that makes no progress for as long as any request may
        // take has stalled.
        let stall_timeout = config.request_timeout;
        let shared = Arc::new(Shared {
            tus: TusClient::for_session(session.clone(), &http, stall_timeout)?,
            user_id,
            db,
            session,
            http,
            settings,
            files,
            drafts,
            running: Mutex::default(),
            progress: ProgressHub::default(),
            list: Watched::new(items),
            list_dirty: Arc::new(Notify::new()),
            kick: Arc::new(Notify::new()),
            retry_now: AtomicBool::new(false),
            held: AtomicBool::new(false),
            changes: Watched::new(0),
            finished_count: AtomicU64::new(0),
            bytes_confirmed: AtomicU64::new(0),
        });
        queue::start(&shared);
        Ok(Self { shared })
    }

    pub(crate) fn user_id(&self) -> &str {
        &self.shared.user_id
    }

    pub(crate) fn database(&self) -> &Database {
        &self.shared.db
    }

    /// Prepares the file, reuses what the platform holds when it can, and
    /// queues the rest for upload. Returns once the item is safely queued
    /// (or already done by reuse); the upload goes on in the background.
    pub async fn add(&self, request: AddMaterial) -> Result<UploadItem> {
        let item = add::add(&self.shared, request).await?;
        self.wake();
        Ok(item)
    }

    /// Every item of the queue, newest first (finished ones included until cleared).
    pub async fn uploads(&self) -> Result<Vec<UploadItem>> {
        self.shared.db.call(|c| store::all(c)).await
    }

    /// One item of the queue.
    pub async fn upload(&self, id: String) -> Result<UploadItem> {
        Ok(self
            .shared
            .db
            .call(move |c| store::existing(c, &id))
            .await?
            .item)
    }

    /// The queue: its current content first, then each change.
    pub fn watch_uploads(&self) -> Subscription<Vec<UploadItem>> {
        self.shared.list.subscribe()
    }

    /// One item's progress: current first, then a few updates a second at most.
    pub async fn watch_upload(&self, id: String) -> Result<Subscription<UploadProgress>> {
        let item = self.upload(id).await?;
        Ok(self.shared.progress.watch(progress_of(&item, 0)))
    }

    /// Stops the upload where it is (the chunk on the wire is abandoned;
    /// the platform keeps what it confirmed) until `resume`.
    pub async fn pause(&self, id: String) -> Result<UploadItem> {
        let key = id.clone();
        let paused = self
            .shared
            .db
            .call(move |c| store::pause(c, &key, now_ms()))
            .await?;
        if paused {
            self.shared.stop_worker(&id).await;
            self.shared.changed(&id).await;
        }
        self.upload(id).await
    }

    /// Queues a paused (or waiting) upload again, to start at once.
    pub async fn resume(&self, id: String) -> Result<UploadItem> {
        let key = id.clone();
        let resumed = self
            .shared
            .db
            .call(move |c| store::resume(c, &key, now_ms()))
            .await?;
        if resumed {
            self.shared.changed(&id).await;
            self.wake();
        }
        self.upload(id).await
    }

    /// Stops the upload and tells the platform to drop what it received.
    pub async fn cancel(&self, id: String) -> Result<UploadItem> {
        let key = id.clone();
        let before = self
            .shared
            .db
            .call(move |c| store::cancel(c, &key, now_ms()))
            .await?;
        if let Some(before) = before {
            self.shared.stop_worker(&id).await;
            if let Some(url) = before
                .upload_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                && let Err(e) = self.shared.tus.terminate(&url).await
            {
                // It expires on the platform by itself.
                tracing::info!(error = %e, "the platform was not told to drop a cancelled upload");
            }
            if let Some(name) = before.file_name {
                self.shared.files.remove(&self.shared.path_of(&name));
            }
            self.shared.changed(&id).await;
        }
        self.upload(id).await
    }

    /// Waits until the item is done, failed or cancelled (and, when it has
    /// a draft slot, put into it).
    pub async fn wait(&self, id: String) -> Result<UploadItem> {
        let mut changes = self.shared.changes.subscribe();
        loop {
            let item = self.upload(id.clone()).await?;
            if item.state.is_final() {
                self.shared.worker_ended(&id).await;
                return Ok(item);
            }
            if changes.next().await.is_none() {
                return Err(Error::storage("the upload queue closed"));
            }
        }
    }

    /// Removes finished, failed and cancelled items from the queue view.
    pub async fn clear_finished(&self) -> Result<u32> {
        let finished: Vec<String> = self
            .uploads()
            .await?
            .into_iter()
            .filter(|i| i.state.is_final())
            .map(|i| i.id)
            .collect();
        let cleared = self.shared.db.call(|c| store::clear_finished(c)).await?;
        for id in &finished {
            self.shared.progress.forget(id);
        }
        self.shared.list_dirty.notify_one();
        Ok(cleared)
    }

    /// What the user can attach without uploading: uploaded before, and
    /// issued licences. Offline, the last answer the platform gave.
    pub async fn library(&self) -> Result<MaterialLibrary> {
        reuse::library(&self.shared).await
    }

    /// For the native background schedulers (Android WorkManager, iOS
    /// background tasks): uploads as much as fits in `budget`, then stops
    /// cleanly, leaving the rest queued.
    pub async fn resume_pending(&self, budget: Duration) -> Result<ResumeReport> {
        queue::resume_pending(&self.shared, budget).await
    }

    /// The shell's network callback (Android ConnectivityManager, iOS
    /// NWPathMonitor): waiting uploads try again now instead of after their
    /// back-off.
    pub fn network_available(&self) {
        self.shared.retry_now.store(true, Ordering::SeqCst);
        self.wake();
    }

    /// Lets the queue start uploads (again, after a background deadline or
    /// a new sign-in).
    pub(crate) fn wake(&self) {
        self.shared.held.store(false, Ordering::SeqCst);
        self.shared.kick.notify_one();
    }
}
