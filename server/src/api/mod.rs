//! Handlers of the public API under `/api/v1`, one file per resource.

pub(crate) mod departments;
pub(crate) mod health;
pub(crate) mod regions;
