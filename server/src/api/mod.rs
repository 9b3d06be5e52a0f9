//! Handlers of the public API under `/api/v1`, one file per resource.

pub(crate) mod application_actions;
pub(crate) mod application_changes;
pub(crate) mod applications;
pub(crate) mod auth;
pub(crate) mod catalog;
pub(crate) mod catalog_snapshot;
pub(crate) mod departments;
pub(crate) mod devices;
pub(crate) mod drafts;
pub(crate) mod events;
pub(crate) mod forms;
pub(crate) mod health;
pub(crate) mod licences;
pub(crate) mod materials;
pub(crate) mod me;
pub(crate) mod prefill;
pub(crate) mod regions;
pub(crate) mod trust;
pub(crate) mod uploads;
pub(crate) mod verify;
