//! Check-digit and format validators for Chinese identifiers.
//!
//! Pure functions over `&str` with no dependency on the server (std only), so
//! the module can move to a crate shared with the core unchanged: the app
//! checks the same numbers before it sends them.

pub mod bank_card;
pub mod id_number;
pub mod phone;
pub mod uscc;
