//! Applications (办件) and their drafts: the submitted applications with
//! their numbers, the idempotency keys that make a retried submission
//! harmless, the drafts a user's devices share, and the workflow after
//! submission (decision 0005): the state machine (`workflow`), working-day
//! deadlines (`deadlines`), steps applied to stored applications (`steps`),
//! the JSON object (`view`), the change feed and tombstones (`feed`), the
//! live notices (`live`), the push outbox (`push`) and the bench seed
//! (`seed`).
//!
//! Handlers are in `api/applications.rs`, `api/application_changes.rs`,
//! `api/events.rs` and `api/drafts.rs`; validation of a submitted form is
//! `banshitong_forms::validate`, the app's own code, then `material_refs`
//! checks that every material named is the user's.

pub(crate) mod deadlines;
pub(crate) mod drafts;
pub(crate) mod feed;
pub(crate) mod idempotency;
pub(crate) mod live;
pub(crate) mod material_refs;
pub(crate) mod number;
pub(crate) mod push;
pub(crate) mod seed;
pub(crate) mod steps;
pub(crate) mod store;
pub(crate) mod view;
pub(crate) mod workflow;
