use std::path::PathBuf;
use std::time::Duration;

/// How one server instance runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where the server keeps its state (`platform.db`). Created if missing.
    pub data_dir: PathBuf,
    /// Enables the `/dev/*` routes (fault injection, request counting, the
    /// SMS outbox, auth statistics). Without it those paths do not exist, so
    /// a production-like server can't be steered by a client.
    pub dev: bool,
    /// How long an access token is valid (`expires_in` of the token
    /// endpoint). Refresh tokens and codes have fixed lifetimes.
    pub access_token_ttl: Duration,
    /// How many service guides to generate into a fresh database (default
    /// [`ServerConfig::DEFAULT_CATALOG_GUIDES`]). Ignored once seeded.
    pub catalog_guides: usize,
}

impl ServerConfig {
    /// The default access-token lifetime: ten minutes.
    pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);

    /// The default size of a fresh catalog: 3000 guides.
    pub const DEFAULT_CATALOG_GUIDES: usize = 3000;

    /// A config with the given data dir and mode and defaults for the rest.
    pub fn new(data_dir: impl Into<PathBuf>, dev: bool) -> ServerConfig {
        ServerConfig {
            data_dir: data_dir.into(),
            dev,
            access_token_ttl: Self::DEFAULT_ACCESS_TOKEN_TTL,
            catalog_guides: Self::DEFAULT_CATALOG_GUIDES,
        }
    }
}

impl Default for ServerConfig {
    /// `bst-server-data` in the working directory, no dev routes, ten-minute
    /// access tokens.
    fn default() -> ServerConfig {
        ServerConfig::new("bst-server-data", false)
    }
}
