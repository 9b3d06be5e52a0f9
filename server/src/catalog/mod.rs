//! The offline service-guide catalog (办事指南): the model, the deterministic
//! generator that seeds it, its storage with a change log for deltas, and
//! the gzip snapshot a first install imports.

pub(crate) mod form_schema;
pub(crate) mod generate;
pub(crate) mod items;
pub(crate) mod model;
pub(crate) mod snapshot;
pub(crate) mod snapshot_cache;
pub(crate) mod store;
