//! Development-only machinery: fault injection, request counting and views
//! into sign-in (SMS outbox, token statistics, forced token expiry), the
//! platform's side of the application workflow (advance, compact, archive,
//! push outbox, seed), which
//! let tests and the demo exercise a client's retry, error and refresh paths
//! against the real server. Installed only when `ServerConfig::dev` is set.

pub(crate) mod application_seed;
pub(crate) mod applications;
pub(crate) mod auth;
pub(crate) mod catalog;
pub(crate) mod faults;
pub(crate) mod licences;
pub(crate) mod request_log;
pub(crate) mod routes;
pub(crate) mod uploads;

/// Paths under this prefix are never faulted, so a test can always clear the
/// faults it set, even with a catch-all prefix like `/`.
pub(crate) const DEV_PATH_PREFIX: &str = "/dev/";

#[derive(Clone, Default)]
pub(crate) struct DevState {
    pub(crate) faults: faults::FaultTable,
    pub(crate) requests: request_log::RequestLog,
    pub(crate) sms_outbox: auth::SmsOutbox,
    pub(crate) auth_stats: auth::AuthStats,
}
