//! Middleware every server runs, whatever its mode. The dev-only layers live
//! in `crate::dev`.

pub(crate) mod access_log;
pub(crate) mod catch_panic;
pub(crate) mod method_override;
pub(crate) mod request_id;
