//! `BstClient`: the core's `Client` as the apps see it.

use std::collections::HashMap;
use std::sync::Arc;

use banshitong_core::applications::PushOutcome;
use banshitong_core::catalog::{Department, Region};
use banshitong_core::events::Connectivity;
use banshitong_core::{Client, ClientConfig, Health};

use crate::applications::{BstApplications, push_for_whoever_is_signed_in};
use crate::auth::BstAuth;
use crate::catalog::BstCatalog;
use crate::drafts::BstDrafts;
use crate::error::BstError;
use crate::licences::{BstLicences, BstVerifier};
use crate::materials::BstMaterials;
use crate::platform::{ForeignSecretStore, Logger, SecretStore, init_platform};
use crate::runtime::{guard, run};
use crate::subscription::{ConnectivityListener, SubscriptionHandle, forward};

#[derive(uniffi::Object)]
pub struct BstClient {
    core: Client,
}

/// The core's version; also the cheapest call there is, used to measure FFI overhead.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The defaults a phone app wants, for `api_base_url` and `data_dir`.
#[uniffi::export]
pub fn default_client_config(api_base_url: String, data_dir: String) -> ClientConfig {
    ClientConfig::new(api_base_url, data_dir)
}

#[uniffi::export]
impl BstClient {
    /// Builds the client. `logger`, when given, receives the core's log
    /// records (see `init_platform` to choose the filter).
    #[uniffi::constructor]
    pub fn new(
        config: ClientConfig,
        secret_store: Arc<dyn SecretStore>,
        logger: Option<Arc<dyn Logger>>,
    ) -> Result<Arc<Self>, BstError> {
        if let Some(logger) = logger {
            init_platform(None, logger)?;
        }
        guard(|| {
            // Entered so that anything the core starts at construction lands on our runtime.
            let _runtime = crate::runtime::RUNTIME.enter();
            let core = Client::new(config, Arc::new(ForeignSecretStore(secret_store)))?;
            Ok(Arc::new(Self { core }))
        })
    }

    /// Sign-in, verification, acting identity and the session state.
    pub fn auth(&self) -> Arc<BstAuth> {
        BstAuth::new(self.core.auth())
    }

    /// The offline service-guide catalog: sync, search, guides, browsing.
    /// Every handle shares the one catalog (and its running sync).
    pub fn catalog(&self) -> Arc<BstCatalog> {
        BstCatalog::new(self.core.catalog())
    }

    /// The signed-in user's application drafts and submission outbox
    /// (`Unauthorized` when signed out). Opening them resumes sending what
    /// an earlier run queued; every handle shares the one outbox. A handle
    /// is the user's signed in now: after signing in again, ask again.
    pub async fn drafts(&self) -> Result<Arc<BstDrafts>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(BstDrafts::new(core.drafts().await?)) }).await
    }

    /// The signed-in user's materials: the upload queue and the library of
    /// what the platform already holds (`Unauthorized` when signed out).
    /// Opening them resumes the uploads an earlier run left queued; every
    /// handle shares the one queue. Like `drafts()`, a handle is the user's
    /// signed in now: after signing in again, ask again.
    pub async fn materials(&self) -> Result<Arc<BstMaterials>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(BstMaterials::new(core.materials().await?)) }).await
    }

    /// The signed-in user's electronic licences (`Unauthorized` when
    /// signed out): synced into their encrypted database, presented as QR
    /// codes, offline too. Like `drafts()`, ask again after signing in again.
    pub async fn licences(&self) -> Result<Arc<BstLicences>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(BstLicences::new(core.licences().await?)) }).await
    }

    /// The signed-in user's applications and where each stands
    /// (`Unauthorized` when signed out): synced into their encrypted
    /// database, readable offline, live while the app is in the
    /// foreground. Like `drafts()`, ask again after signing in again.
    pub async fn applications(&self) -> Result<Arc<BstApplications>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(BstApplications::new(core.applications().await?)) }).await
    }

    /// For the app's FCM / APNs handler, which may run with nobody signed
    /// in: `applications().handle_push(payload)` for the signed-in user, an
    /// `Ignored(SignedOut)` outcome otherwise. Never fails.
    pub async fn handle_push(&self, payload: HashMap<String, String>) -> PushOutcome {
        push_for_whoever_is_signed_in(self.core.clone(), payload).await
    }

    /// Checks shown licence codes; needs no sign-in.
    pub fn verifier(&self) -> Arc<BstVerifier> {
        BstVerifier::new(self.core.verifier())
    }

    /// A setting of the signed-in user, from their own encrypted database.
    pub async fn my_preference(&self, key: String) -> Result<Option<String>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.my_preferences().await?.get(&key).await?) }).await
    }

    pub async fn set_my_preference(&self, key: String, value: String) -> Result<(), BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.my_preferences().await?.set(&key, &value).await?) }).await
    }

    pub async fn health(&self) -> Result<Health, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.health().await?) }).await
    }

    /// Yunnan's administrative divisions; from the cache when offline.
    pub async fn regions(&self) -> Result<Vec<Region>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.regions().await?) }).await
    }

    /// Departments, optionally of one region; from the cache when offline.
    pub async fn departments(
        &self,
        region_code: Option<String>,
    ) -> Result<Vec<Department>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.departments(region_code).await?) }).await
    }

    /// A setting of `user_id` on this device, from their encrypted database.
    pub async fn preference(
        &self,
        user_id: String,
        key: String,
    ) -> Result<Option<String>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.preferences(&user_id).await?.get(&key).await?) }).await
    }

    pub async fn set_preference(
        &self,
        user_id: String,
        key: String,
        value: String,
    ) -> Result<(), BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.preferences(&user_id).await?.set(&key, &value).await?) }).await
    }

    /// Calls `listener` with the current connectivity, then with each change,
    /// until the returned handle is cancelled or dropped.
    pub fn watch_connectivity(
        &self,
        listener: Arc<dyn ConnectivityListener>,
    ) -> Arc<SubscriptionHandle> {
        forward(
            self.core.watch_connectivity(),
            move |state: Connectivity| listener.on_change(state),
        )
    }
}
