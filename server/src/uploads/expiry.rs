//! Unfinished uploads expire (tus expiration extension): their files are
//! deleted and their rows kept a week as tombstones, so a client asking
//! about one learns 410 Gone rather than 404. A sweep runs at start-up
//! (which also removes files no row owns, left by a crash) and then
//! periodically; times come from the server's clock, so tests move it.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::files::{Files, remove_quietly};
use super::locks::Locks;
use super::store;
use crate::clock::{Clock, ms};
use crate::db::{Db, DbError};

/// How long a tombstone of an expired upload is kept.
const TOMBSTONE_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long `expire_all` waits for a PATCH in progress before leaving that
/// upload alone.
const PATCH_PATIENCE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub(crate) struct Sweep {
    pub(crate) db: Db,
    pub(crate) clock: Clock,
    pub(crate) files: Files,
    pub(crate) locks: Locks,
}

impl Sweep {
    /// Expires what is due and forgets old tombstones. An upload a PATCH
    /// is writing is left for the next sweep (the PATCH extends its life).
    pub(crate) async fn run(&self) -> Result<usize, DbError> {
        let now = self.clock.now_ms();
        let due = self
            .db
            .call(move |conn| store::due(conn, now, false))
            .await?;
        let mut expired = 0;
        for id in due {
            if let Some(held) = self.locks.try_hold(&id) {
                if self.expire_one(&id, now).await? {
                    expired += 1;
                }
                self.locks.forget(&id);
                drop(held);
            }
        }
        let before = now.saturating_sub(ms(TOMBSTONE_KEPT));
        self.db
            .call(move |conn| store::purge_expired(conn, before))
            .await?;
        Ok(expired)
    }

    /// Expires every unfinished upload now (the dev route), waiting a
    /// little for a PATCH in progress.
    pub(crate) async fn expire_all(&self) -> Result<usize, DbError> {
        let now = self.clock.now_ms();
        let all = self
            .db
            .call(move |conn| store::due(conn, now, true))
            .await?;
        let mut expired = 0;
        for id in all {
            if let Some(held) = self.locks.hold(&id, PATCH_PATIENCE).await {
                if self.expire_one(&id, now).await? {
                    expired += 1;
                }
                self.locks.forget(&id);
                drop(held);
            }
        }
        Ok(expired)
    }

    async fn expire_one(&self, id: &str, now: i64) -> Result<bool, DbError> {
        let row_id = id.to_owned();
        let changed = self
            .db
            .call(move |conn| store::expire(conn, &row_id, now))
            .await?;
        if changed {
            remove_quietly(self.files.upload(id)).await;
            tracing::info!(upload_id = %id, "expired an unfinished upload");
        }
        Ok(changed)
    }

    /// The start-up sweep: what expired while the server was down, then
    /// files that no unfinished upload or material owns.
    pub(crate) async fn at_start_up(&self) -> anyhow::Result<()> {
        self.run().await?;
        let (receiving, materials) = self
            .db
            .call(|conn| {
                let materials: Vec<String> = conn
                    .prepare("SELECT id FROM materials")?
                    .query_map([], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok((store::receiving(conn)?, materials))
            })
            .await?;
        let files = self.files.clone();
        tokio::task::spawn_blocking(move || {
            remove_strays(files.uploads_dir(), &receiving.into_iter().collect());
            remove_strays(files.materials_dir(), &materials.into_iter().collect());
        })
        .await?;
        Ok(())
    }
}

/// Deletes the files in `dir` whose names are not in `owned`.
fn remove_strays(dir: &Path, owned: &HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if owned.contains(name.to_string_lossy().as_ref()) {
            continue;
        }
        if entry.file_type().is_ok_and(|kind| kind.is_file()) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => tracing::info!(path = %entry.path().display(), "removed a stray file"),
                Err(error) => {
                    tracing::warn!(%error, path = %entry.path().display(), "could not remove a stray file")
                }
            }
        }
    }
}

/// The periodic sweep's task; dropping it stops the task.
pub(crate) struct Sweeper(JoinHandle<()>);

impl Sweeper {
    pub(crate) fn start(sweep: Sweep, every: Duration) -> Sweeper {
        let every = every.max(Duration::from_millis(10));
        Sweeper(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate; start-up already swept.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                if let Err(error) = sweep.run().await {
                    tracing::error!(%error, "sweeping expired uploads failed");
                }
            }
        }))
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.0.abort();
    }
}
