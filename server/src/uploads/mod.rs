//! Resumable uploads: tus 1.0.0 with the creation, checksum, termination
//! and expiration extensions, at `/api/v1/uploads/` (handlers in
//! `api/uploads.rs`).
//!
//! An upload's bytes go to `<data_dir>/uploads/<id>` as they arrive; its
//! offset and metadata are a row in `uploads`. The PATCH that completes it
//! checks the whole file and turns it into a material (`finish.rs`).
//! Unfinished uploads expire (`expiry.rs`).

pub(crate) mod checksum;
pub(crate) mod chunk;
pub(crate) mod disk_writer;
pub(crate) mod expiry;
pub(crate) mod files;
pub(crate) mod finish;
pub(crate) mod locks;
pub(crate) mod metadata;
pub(crate) mod receive;
pub(crate) mod store;
pub(crate) mod tus;

use std::sync::Arc;
use std::time::Duration;

use crate::ServerConfig;
use crate::clock::Clock;
use crate::db::Db;

/// What the upload handlers share: where bytes go, the limits, and which
/// uploads a PATCH is writing right now.
#[derive(Clone)]
pub(crate) struct Uploads {
    pub(crate) files: files::Files,
    pub(crate) max_bytes: u64,
    pub(crate) expiry: Duration,
    pub(crate) locks: locks::Locks,
    /// Stops the periodic sweep when the last clone (the last router) goes.
    _sweeper: Arc<expiry::Sweeper>,
}

impl Uploads {
    /// Creates the directories, removes what expired while the server was
    /// down (and files no row owns), then starts the periodic sweep.
    pub(crate) async fn open(
        config: &ServerConfig,
        db: &Db,
        clock: &Clock,
    ) -> anyhow::Result<Uploads> {
        let files = files::Files::open(&config.data_dir)?;
        let locks = locks::Locks::default();
        let sweep = expiry::Sweep {
            db: db.clone(),
            clock: clock.clone(),
            files: files.clone(),
            locks: locks.clone(),
        };
        sweep.at_start_up().await?;
        let sweeper = expiry::Sweeper::start(sweep, config.upload_sweep_interval);
        Ok(Uploads {
            files,
            max_bytes: config.max_material_bytes,
            expiry: config.upload_expiry,
            locks,
            _sweeper: Arc::new(sweeper),
        })
    }

    pub(crate) fn sweep(&self, db: &Db, clock: &Clock) -> expiry::Sweep {
        expiry::Sweep {
            db: db.clone(),
            clock: clock.clone(),
            files: self.files.clone(),
            locks: self.locks.clone(),
        }
    }
}

/// `up_` and 32 lowercase hex digits.
pub(crate) fn new_id() -> String {
    format!("up_{}", uuid::Uuid::new_v4().simple())
}

/// Whether `id` can be an upload id; anything else is answered 404 before
/// it gets near a path on disk.
pub(crate) fn is_upload_id(id: &str) -> bool {
    id.strip_prefix("up_").is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
