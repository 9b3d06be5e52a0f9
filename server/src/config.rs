use std::path::PathBuf;
use std::time::Duration;

use banshitong_trust::Suite;

/// How one server instance runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where the server keeps its state (`platform.db`, the bytes of
    /// uploads and materials under `uploads/` and `materials/`, the issuer's
    /// private keys under `issuer-keys/`). Created if missing.
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
    /// The largest material (one upload) accepted, in bytes: tus'
    /// `Tus-Max-Size`; a bigger `Upload-Length` gets 413. Default
    /// [`ServerConfig::DEFAULT_MAX_MATERIAL_BYTES`].
    pub max_material_bytes: u64,
    /// How long an unfinished upload lives after its last PATCH (tus'
    /// `Upload-Expires`); then its bytes are deleted. Default
    /// [`ServerConfig::DEFAULT_UPLOAD_EXPIRY`].
    pub upload_expiry: Duration,
    /// How often the server looks for expired uploads to delete (it also
    /// does at start-up). Default [`ServerConfig::DEFAULT_UPLOAD_SWEEP_INTERVAL`].
    pub upload_sweep_interval: Duration,
    /// Which issuer key signs licences, device certificates and status
    /// lists from now on (keys of every suite are made and published
    /// either way; a licence keeps the suite it was signed with). Default
    /// Ed25519.
    pub licence_suite: Suite,
    /// How long an online presentation token (`BST0:`) can be checked.
    /// Default [`ServerConfig::DEFAULT_PRESENTATION_TOKEN_TTL`].
    pub presentation_token_ttl: Duration,
    /// The max-age of a signed status list: the `ttl` it carries and its
    /// `Cache-Control`. Default [`ServerConfig::DEFAULT_STATUS_LIST_TTL`].
    pub status_list_ttl: Duration,
    /// How long a device certificate is valid. Default
    /// [`ServerConfig::DEFAULT_DEVICE_CERTIFICATE_TTL`].
    pub device_certificate_ttl: Duration,
    /// How often an idle `GET /api/v1/events` stream sends a `: heartbeat`
    /// comment, so proxies and clients see it is alive. Default
    /// [`ServerConfig::DEFAULT_SSE_HEARTBEAT`]; tests set it short.
    pub sse_heartbeat: Duration,
}

impl ServerConfig {
    /// The default access-token lifetime: ten minutes.
    pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);

    /// The default size of a fresh catalog: 3000 guides.
    pub const DEFAULT_CATALOG_GUIDES: usize = 3000;

    /// The default size limit of one material: 50 MiB.
    pub const DEFAULT_MAX_MATERIAL_BYTES: u64 = 50 * 1024 * 1024;

    /// The default lifetime of an unfinished upload: 24 hours.
    pub const DEFAULT_UPLOAD_EXPIRY: Duration = Duration::from_secs(24 * 3600);

    /// The default pause between two sweeps of expired uploads: one minute.
    pub const DEFAULT_UPLOAD_SWEEP_INTERVAL: Duration = Duration::from_secs(60);

    /// The default lifetime of an online presentation token: 60 seconds.
    pub const DEFAULT_PRESENTATION_TOKEN_TTL: Duration = Duration::from_secs(60);

    /// The default max-age of a status list: five minutes.
    pub const DEFAULT_STATUS_LIST_TTL: Duration = Duration::from_secs(300);

    /// The default lifetime of a device certificate: a year.
    pub const DEFAULT_DEVICE_CERTIFICATE_TTL: Duration = Duration::from_secs(365 * 24 * 3600);

    /// The default heartbeat interval of event streams: 15 seconds.
    pub const DEFAULT_SSE_HEARTBEAT: Duration = Duration::from_secs(15);

    /// A config with the given data dir and mode and defaults for the rest.
    pub fn new(data_dir: impl Into<PathBuf>, dev: bool) -> ServerConfig {
        ServerConfig {
            data_dir: data_dir.into(),
            dev,
            access_token_ttl: Self::DEFAULT_ACCESS_TOKEN_TTL,
            catalog_guides: Self::DEFAULT_CATALOG_GUIDES,
            max_material_bytes: Self::DEFAULT_MAX_MATERIAL_BYTES,
            upload_expiry: Self::DEFAULT_UPLOAD_EXPIRY,
            upload_sweep_interval: Self::DEFAULT_UPLOAD_SWEEP_INTERVAL,
            licence_suite: Suite::Ed25519,
            presentation_token_ttl: Self::DEFAULT_PRESENTATION_TOKEN_TTL,
            status_list_ttl: Self::DEFAULT_STATUS_LIST_TTL,
            device_certificate_ttl: Self::DEFAULT_DEVICE_CERTIFICATE_TTL,
            sse_heartbeat: Self::DEFAULT_SSE_HEARTBEAT,
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
