use std::path::PathBuf;

/// How one server instance runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where the server keeps its state (`platform.db`). Created if missing.
    pub data_dir: PathBuf,
    /// Enables the `/dev/*` routes (fault injection, request counting).
    /// Without it those paths do not exist, so a production-like server can't
    /// be steered by a client.
    pub dev: bool,
}
