//! The offline service-guide catalog (办事指南): the model, the deterministic
//! generator that seeds it, and its storage with a change log for deltas.

pub(crate) mod generate;
pub(crate) mod items;
pub(crate) mod model;
pub(crate) mod store;
