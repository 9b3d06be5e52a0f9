//! Data a fresh platform database starts with, embedded in the binary so the
//! server needs no files beside its data dir.

pub(crate) mod departments;
pub(crate) mod regions;
