//! What handlers share. Cheap to clone: everything is behind an `Arc`.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::ServerConfig;
use crate::applications::live::LiveChanges;
use crate::catalog::snapshot_cache::SnapshotCache;
use crate::clock::Clock;
use crate::db::Db;
use crate::dev::DevState;
use crate::trust::{Issuer, IssuerKeys};
use crate::uploads::Uploads;

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) db: Db,
    /// Present in every server so handlers need no `Option`; only read when
    /// the dev routes and layers are installed.
    pub(crate) dev: DevState,
    /// Whether the dev routes exist; SMS codes go to the dev outbox only then.
    pub(crate) dev_enabled: bool,
    pub(crate) clock: Clock,
    pub(crate) access_token_ttl: Duration,
    /// The last catalog snapshot built, reused until the catalog changes.
    pub(crate) catalog_snapshot: SnapshotCache,
    /// Where upload and material bytes go, the upload limits, the PATCHes
    /// in progress, and the sweep of expired uploads.
    pub(crate) uploads: Uploads,
    /// The issuer keys and the lifetimes of what they sign.
    pub(crate) issuer: Issuer,
    /// Notices of committed application changes for the event streams,
    /// their heartbeat, and the signal that ends them at shutdown.
    pub(crate) live: LiveChanges,
}

impl AppState {
    /// `stopping` is cancelled when the server begins to shut down.
    pub(crate) async fn open(
        config: &ServerConfig,
        stopping: CancellationToken,
    ) -> anyhow::Result<AppState> {
        let db = Db::open(config.data_dir.clone(), config.catalog_guides).await?;
        let clock = Clock::default();
        let uploads = Uploads::open(config, &db, &clock).await?;
        let data_dir = config.data_dir.clone();
        let suite = config.licence_suite;
        let keys =
            tokio::task::spawn_blocking(move || IssuerKeys::open(&data_dir, suite)).await??;
        let issuer = Issuer {
            keys: std::sync::Arc::new(keys),
            status_list_ttl: config.status_list_ttl,
            presentation_token_ttl: config.presentation_token_ttl,
            device_certificate_ttl: config.device_certificate_ttl,
            replay: std::sync::Arc::default(),
        };
        Ok(AppState {
            db,
            dev: DevState::default(),
            dev_enabled: config.dev,
            clock,
            access_token_ttl: config.access_token_ttl,
            catalog_snapshot: SnapshotCache::default(),
            uploads,
            issuer,
            live: LiveChanges::new(config.sse_heartbeat, stopping),
        })
    }
}
