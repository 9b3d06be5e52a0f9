//! banshitong-core: every rule of the Banshitong government-services app.
//!
//! The app holds one [`Client`], built from a [`ClientConfig`] and the
//! host's [`platform::SecretStore`]. Domains hang off it (`client.catalog()`,
//! ...). Nothing here knows about FFI or UI; the bindings crate exposes it to
//! Kotlin and Swift, and `bst` drives it from the command line.

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("banshitong_core");

pub mod applications;
pub mod auth;
pub mod catalog;
mod client;
mod config;
pub mod drafts;
mod error;
pub mod events;
pub mod http;
pub mod licences;
pub mod materials;
pub mod platform;
pub mod preferences;
pub mod store;
mod time_util;

pub use client::{Client, Health};
pub use config::{ClientConfig, UploadSettings};
pub use error::{Error, Result};
