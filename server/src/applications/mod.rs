//! Applications (办件) and their drafts: the submitted applications with
//! their numbers, the idempotency keys that make a retried submission
//! harmless, and the drafts a user's devices share.
//!
//! Handlers are in `api/applications.rs` and `api/drafts.rs`; validation of
//! a submitted form is `banshitong_forms::validate`, the app's own code,
//! then `material_refs` checks that every material named is the user's.

pub(crate) mod drafts;
pub(crate) mod idempotency;
pub(crate) mod material_refs;
pub(crate) mod number;
pub(crate) mod store;
