//! What handlers share. Cheap to clone: everything is behind an `Arc`.

use crate::ServerConfig;
use crate::db::Db;
use crate::dev::DevState;

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) db: Db,
    /// Present in every server so handlers need no `Option`; only read when
    /// the dev routes and layers are installed.
    pub(crate) dev: DevState,
}

impl AppState {
    pub(crate) async fn open(config: &ServerConfig) -> anyhow::Result<AppState> {
        Ok(AppState {
            db: Db::open(config.data_dir.clone()).await?,
            dev: DevState::default(),
        })
    }
}
