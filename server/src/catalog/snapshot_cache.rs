//! The last snapshot built, kept in memory by change-log position: while the
//! catalog doesn't change, every download is served from it rather than
//! re-read and re-compressed (20,000 guides are tens of megabytes of JSON).
//!
//! Only the newest is kept; an older one is never asked for, since the
//! endpoint always serves the current catalog.

use std::sync::Arc;

use anyhow::Context;
use tokio::sync::Mutex;

use super::snapshot::{self, Snapshot};
use crate::clock::rfc3339_utc;
use crate::db::Db;

#[derive(Clone, Default)]
pub(crate) struct SnapshotCache {
    /// A tokio mutex held across the build, so concurrent first requests
    /// wait for one build instead of each starting their own.
    latest: Arc<Mutex<Option<Arc<Snapshot>>>>,
}

impl SnapshotCache {
    /// A snapshot at change-log position `seq` or later: the cached one if
    /// it is that recent, else a new one (which then replaces it).
    /// `now_ms` is what a new one records as its `generated_at`.
    pub(crate) async fn at_least(
        &self,
        seq: i64,
        db: &Db,
        now_ms: i64,
    ) -> anyhow::Result<Arc<Snapshot>> {
        let mut latest = self.latest.lock().await;
        if let Some(cached) = latest.as_ref().filter(|cached| cached.seq >= seq) {
            return Ok(Arc::clone(cached));
        }
        // The connection is held only for the read; compressing happens on
        // the blocking pool without it, so other requests go on meanwhile.
        let source = db.call(snapshot::read).await?;
        let generated_at = rfc3339_utc(now_ms);
        let built = tokio::task::spawn_blocking(move || snapshot::build(&source, &generated_at))
            .await?
            .context("compressing the catalog snapshot")?;
        tracing::info!(
            seq = built.seq,
            guides = built.guides,
            json_bytes = built.json_len,
            gzip_bytes = built.gzip.len(),
            "built the catalog snapshot"
        );
        let built = Arc::new(built);
        *latest = Some(Arc::clone(&built));
        Ok(built)
    }
}
