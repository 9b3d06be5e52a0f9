//! Development-only machinery: fault injection and request counting, which
//! let tests and the demo exercise a client's retry and error paths against
//! the real server. Installed only when `ServerConfig::dev` is set.

pub(crate) mod faults;
pub(crate) mod request_log;
pub(crate) mod routes;

/// Paths under this prefix are never faulted, so a test can always clear the
/// faults it set, even with a catch-all prefix like `/`.
pub(crate) const DEV_PATH_PREFIX: &str = "/dev/";

#[derive(Clone, Default)]
pub(crate) struct DevState {
    pub(crate) faults: faults::FaultTable,
    pub(crate) requests: request_log::RequestLog,
}
