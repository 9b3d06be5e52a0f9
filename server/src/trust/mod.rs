//! The platform as issuer: its keys (`issuer_keys`, kept as files by
//! `key_files`) and the status lists that revoke licences
//! (`status_store` for the rows, `status_lists` for signing them). The
//! formats and signatures themselves are banshitong-trust's.

pub(crate) mod issuer_keys;
pub(crate) mod key_files;
pub(crate) mod offline;
pub(crate) mod status_lists;
pub(crate) mod status_store;

use std::time::Duration;

pub(crate) use issuer_keys::IssuerKeys;

/// What the issuing handlers share.
#[derive(Clone, Debug)]
pub(crate) struct Issuer {
    pub(crate) keys: std::sync::Arc<IssuerKeys>,
    pub(crate) status_list_ttl: Duration,
    pub(crate) presentation_token_ttl: Duration,
    pub(crate) device_certificate_ttl: Duration,
    /// Nonces of offline presentations checked at `POST /api/v1/verify`,
    /// so one shown twice within its window is refused the second time.
    pub(crate) replay: std::sync::Arc<banshitong_trust::InMemoryReplayCache>,
}
