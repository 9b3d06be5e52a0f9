//! `BstLicences` (`client.licences()`): the signed-in user's electronic
//! licences, their presentation QR codes and a stream of fresh ones for a
//! countdown; `BstVerifier` (`client.verifier()`): checks a shown code;
//! and the QR renderings (module matrix, PNG, SVG). Thin: each method is
//! the core's, on our runtime, with its error made a `BstError`.

use std::sync::Arc;
use std::time::Duration;

use banshitong_core::Error as CoreError;
use banshitong_core::licences::{
    Disclosure, Licence, Licences, Presentation, PresentationMode, PresentationStream, QrMatrix,
    Verifier,
};

use crate::error::{BstError, ErrorKind};
use crate::runtime::{RUNTIME, guard, run};
use crate::subscription::{SubscriptionHandle, Updates, forward};
use crate::verdict::LicenceVerdict;

/// Told of each presentation to show, a little before the previous one
/// expires (draw `qr_text`, count down to `expires_at_ms`); or, once, why
/// no more can be made (the stream ends then: say why, or switch to an
/// offline code when an online token could not be fetched).
#[uniffi::export(with_foreign)]
pub trait PresentationListener: Send + Sync {
    fn on_presentation(&self, presentation: Presentation) -> Result<(), BstError>;
    fn on_failure(&self, kind: ErrorKind, reason: String) -> Result<(), BstError>;
}

#[derive(uniffi::Object)]
pub struct BstLicences {
    core: Licences,
}

impl BstLicences {
    pub(crate) fn new(core: Licences) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

#[uniffi::export]
impl BstLicences {
    /// Fetches the licences into the user's encrypted database and
    /// certifies this device's key, so presenting works offline afterwards.
    pub async fn sync(&self) -> Result<Vec<Licence>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.sync().await?) }).await
    }

    /// The licences held on this device, with expiry and revocation (no network).
    pub async fn list(&self) -> Result<Vec<Licence>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.list().await?) }).await
    }

    pub async fn get(&self, id: String) -> Result<Licence, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.get(&id).await?) }).await
    }

    /// One presentation: offline (signed on the device, no network) or an
    /// online token. A revoked or expired licence is `InvalidInput`.
    pub async fn present(
        &self,
        id: String,
        mode: PresentationMode,
        disclosure: Disclosure,
    ) -> Result<Presentation, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.present(&id, mode, &disclosure).await?) }).await
    }

    /// The same licences, making offline presentations that live
    /// `lifetime_ms` and are replaced `refresh_before_ms` ahead of expiry.
    pub fn with_offline_lifetime(
        &self,
        lifetime_ms: u64,
        refresh_before_ms: u64,
    ) -> Arc<BstLicences> {
        BstLicences::new(self.core.with_offline_lifetime(
            Duration::from_millis(lifetime_ms),
            Duration::from_millis(refresh_before_ms),
        ))
    }

    /// Calls `listener` with a presentation now and a fresh one ahead of
    /// each expiry, until the handle is cancelled or dropped (the screen
    /// that shows the code holds it).
    pub fn watch_presentations(
        &self,
        id: String,
        mode: PresentationMode,
        disclosure: Disclosure,
        listener: Arc<dyn PresentationListener>,
    ) -> Arc<SubscriptionHandle> {
        // The stream spawns its producer on the current runtime: ours.
        let _inside = RUNTIME.enter();
        let stream = self.core.present_stream(&id, mode, disclosure);
        forward(Presentations(stream), move |made| match made {
            Ok(presentation) => listener.on_presentation(presentation),
            Err(e) => {
                let BstError::Failure { kind, reason, .. } = BstError::from(e);
                listener.on_failure(kind, reason)
            }
        })
    }
}

struct Presentations(PresentationStream);

impl Updates for Presentations {
    type Item = Result<Presentation, CoreError>;
    fn next(&mut self) -> impl Future<Output = Option<Self::Item>> + Send {
        self.0.next()
    }
}

/// Checks shown licence codes; needs no sign-in and works offline from
/// cached issuer keys and status lists.
#[derive(uniffi::Object)]
pub struct BstVerifier {
    core: Verifier,
}

impl BstVerifier {
    pub(crate) fn new(core: Verifier) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

#[uniffi::export]
impl BstVerifier {
    /// The verdict on a scanned code: garbage and tampered codes are an
    /// `Invalid` verdict with typed reasons, never an error. An online
    /// token (`BST0:`) is checked by the platform.
    pub async fn verify(&self, qr_text: String) -> Result<LicenceVerdict, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.verify(&qr_text).await?.into()) }).await
    }

    /// Fetches the trusted issuer keys and cached status lists again.
    pub async fn refresh(&self) -> Result<(), BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.refresh().await?) }).await
    }

    /// The same verifier (and caches) tolerating another clock difference.
    pub fn with_clock_skew(&self, skew_ms: u64) -> Arc<BstVerifier> {
        BstVerifier::new(self.core.with_clock_skew(Duration::from_millis(skew_ms)))
    }

    /// The same verifier accepting offline codes this long after they were made.
    pub fn with_presentation_lifetime(&self, lifetime_ms: u64) -> Arc<BstVerifier> {
        BstVerifier::new(
            self.core
                .with_presentation_lifetime(Duration::from_millis(lifetime_ms)),
        )
    }
}

/// A presentation text as a QR module matrix (quiet zone included) for the
/// app to draw natively; error correction M.
#[uniffi::export]
pub fn qr_matrix(qr_text: String) -> Result<QrMatrix, BstError> {
    guard(|| Ok(QrMatrix::encode(&qr_text)?))
}

/// A presentation text as PNG bytes, `scale` pixels a module.
#[uniffi::export]
pub fn qr_png(qr_text: String, scale: u32) -> Result<Vec<u8>, BstError> {
    guard(|| Ok(QrMatrix::encode(&qr_text)?.png(scale)?))
}

/// A presentation text as an SVG document.
#[uniffi::export]
pub fn qr_svg(qr_text: String) -> Result<String, BstError> {
    guard(|| Ok(QrMatrix::encode(&qr_text)?.svg()))
}
