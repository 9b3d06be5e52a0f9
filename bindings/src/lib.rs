//! banshitong-ffi: the one library the Kotlin and Swift apps load.
//!
//! It holds only what the FFI needs: the `BstClient` object with its
//! `BstAuth`, `BstCatalog`, `BstDrafts`, `BstMaterials`, `BstLicences`
//! (with `BstVerifier` and the verdict records the trust crate can't derive)
//! and `BstApplications`, the flat error,
//! the foreign traits (secret store, logger, listeners), subscription
//! handles and the tokio runtime. Records and enums are defined (and derive uniffi) in
//! banshitong-core and banshitong-forms, so there is one copy of every type.

uniffi::setup_scaffolding!("banshitong");

mod applications;
mod auth;
mod catalog;
mod client;
mod drafts;
mod error;
mod licences;
mod materials;
mod platform;
mod runtime;
mod subscription;
#[cfg(feature = "testing")]
mod testing;
mod verdict;

pub use applications::{
    ApplicationEventListener, ApplicationListListener, ApplicationListener, BstApplications,
    LiveStateListener,
};
pub use auth::BstAuth;
pub use catalog::{BstCatalog, SyncListener};
pub use client::BstClient;
pub use drafts::{BstDrafts, DraftListener, OutboxListener};
pub use error::{BstError, ErrorKind};
pub use licences::{BstLicences, BstVerifier, PresentationListener, qr_matrix, qr_png, qr_svg};
pub use materials::{BstMaterials, UploadListener, UploadQueueListener};
pub use platform::{Logger, SecretStore, init_platform};
pub use subscription::{ConnectivityListener, SessionListener, SubscriptionHandle};
pub use verdict::{
    DisclosedClaim, LicenceVerdict, VerdictOutcome, VerdictReason, VerdictReasonKind,
};
