//! `Client`: the one object an app holds. Domains hang off it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::applications::Applications;
use crate::auth::Auth;
use crate::auth::session::Session;
use crate::catalog::{Catalog, Department, Region};
use crate::config::ClientConfig;
use crate::drafts::Drafts;
use crate::error::{Error, Result};
use crate::events::{Connectivity, Subscription};
use crate::http::{Endpoint, HttpClient};
use crate::licences::{Licences, Verifier};
use crate::materials::Materials;
use crate::platform::SecretStore;
use crate::preferences::Preferences;
use crate::store::{PersonalDbs, open_catalog_db};

/// The platform's answer to a health check.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    http: HttpClient,
    catalog: Catalog,
    auth: Auth,
    session: Arc<Session>,
    personal: Arc<PersonalDbs>,
    secrets: Arc<dyn SecretStore>,
    /// Built once, so its parsed caches are shared by every caller.
    verifier: Verifier,
    /// The signed-in user's drafts (and their outbox sender), kept while
    /// that user stays signed in.
    drafts: tokio::sync::Mutex<Option<Drafts>>,
    /// The signed-in user's materials (and their upload queue), likewise.
    materials: tokio::sync::Mutex<Option<Materials>>,
    /// The signed-in user's applications (and their live connection), likewise.
    applications: tokio::sync::Mutex<Option<Applications>>,
}

impl Client {
    /// Builds the client: checks the endpoint, creates the data folder and
    /// opens (or rebuilds) the catalog cache. No network traffic happens here.
    pub fn new(config: ClientConfig, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        let endpoint = Endpoint::parse(&config.api_base_url)?;
        let http = HttpClient::new(
            endpoint,
            config.request_timeout,
            config.connect_timeout,
            config.retry.clone(),
        )?;
        if config.data_dir.trim().is_empty() {
            return Err(Error::invalid_input("the data folder is not set"));
        }
        std::fs::create_dir_all(config.data_dir_path()).map_err(|e| {
            Error::storage(format!(
                "cannot create data folder {}: {e}",
                config.data_dir
            ))
        })?;
        let catalog_db = open_catalog_db(&config.data_dir_path())?;
        let personal = Arc::new(PersonalDbs::new(config.data_dir_path(), secrets.clone()));
        let session = Arc::new(Session::restore(http.clone(), secrets.clone()));
        let verifier = Verifier::new(http.clone(), catalog_db.clone());
        Ok(Self {
            inner: Arc::new(Inner {
                catalog: Catalog::new(http.clone(), catalog_db),
                auth: Auth::new(
                    http.clone(),
                    session.clone(),
                    secrets.clone(),
                    personal.clone(),
                ),
                secrets,
                verifier,
                session,
                personal,
                config,
                http,
                drafts: tokio::sync::Mutex::new(None),
                materials: tokio::sync::Mutex::new(None),
                applications: tokio::sync::Mutex::new(None),
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Asks the platform whether it is up.
    pub async fn health(&self) -> Result<Health> {
        self.inner.http.get_json("api/v1/health").await
    }

    /// Whether the platform could be reached: the current value first, then changes.
    pub fn watch_connectivity(&self) -> Subscription<Connectivity> {
        self.inner.http.connectivity().subscribe()
    }

    /// Sign-in, verification, acting identity and the session state.
    pub fn auth(&self) -> Auth {
        self.inner.auth.clone()
    }

    pub fn catalog(&self) -> Catalog {
        self.inner.catalog.clone()
    }

    pub async fn regions(&self) -> Result<Vec<Region>> {
        self.inner.catalog.regions().await
    }

    pub async fn departments(&self, region_code: Option<String>) -> Result<Vec<Department>> {
        self.inner.catalog.departments(region_code).await
    }

    /// The settings of `user_id` on this device, in their encrypted database.
    pub async fn preferences(&self, user_id: &str) -> Result<Preferences> {
        Ok(Preferences::new(self.inner.personal.open(user_id).await?))
    }

    /// The signed-in user's application drafts and submission outbox.
    /// Opening them also resumes sending anything a previous run queued.
    pub async fn drafts(&self) -> Result<Drafts> {
        let user = self
            .inner
            .session
            .signed_in_user()
            .ok_or(Error::Unauthorized)?;
        let mut current = self.inner.drafts.lock().await;
        let db = self.inner.personal.open(&user).await?;
        // The same user on the same database (not wiped since) keeps the
        // running outbox.
        if let Some(drafts) = current.as_ref()
            && drafts.user_id() == user
            && drafts.database().same_as(&db)
        {
            return Ok(drafts.clone());
        }
        let drafts = Drafts::open_for(
            user,
            db,
            self.inner.catalog.database(),
            self.inner.catalog.clone(),
            self.inner.http.clone(),
            self.inner.session.clone(),
        );
        *current = Some(drafts.clone());
        Ok(drafts)
    }

    /// The signed-in user's materials: the upload queue and the library of
    /// what the platform already holds.
    /// Opening them also resumes uploading what a previous run queued.
    pub async fn materials(&self) -> Result<Materials> {
        let drafts = self.drafts().await?;
        let user = drafts.user_id().to_owned();
        let mut current = self.inner.materials.lock().await;
        let db = drafts.database().clone();
        if let Some(materials) = current.as_ref()
            && materials.user_id() == user
            && materials.database().same_as(&db)
        {
            // Uploads a sign-out stopped go on now that the user is back.
            materials.wake();
            return Ok(materials.clone());
        }
        let materials = Materials::open_for(
            user,
            db,
            &self.inner.config,
            self.inner.http.clone(),
            self.inner.session.clone(),
            drafts,
        )
        .await?;
        *current = Some(materials.clone());
        Ok(materials)
    }

    /// The signed-in user's applications and where each stands: synced
    /// into their encrypted database (readable offline), live while the app
    /// is in the foreground (`set_foreground`).
    pub async fn applications(&self) -> Result<Applications> {
        let materials = self.materials().await?;
        let drafts = self.drafts().await?;
        let user = drafts.user_id().to_owned();
        let db = drafts.database().clone();
        let mut current = self.inner.applications.lock().await;
        if let Some(applications) = current.as_ref()
            && applications.user_id() == user
            && applications.database().same_as(&db)
        {
            return Ok(applications.clone());
        }
        if let Some(previous) = current.take() {
            // Another account (or a wiped database): its live connection ends.
            previous.set_foreground(false);
        }
        let applications =
            Applications::open_for(user, db, self.inner.session.clone(), drafts, materials);
        *current = Some(applications.clone());
        Ok(applications)
    }

    /// The signed-in user's electronic licences: synced into their
    /// encrypted database, presented as QR codes (offline too).
    pub async fn licences(&self) -> Result<Licences> {
        let user = self
            .inner
            .session
            .signed_in_user()
            .ok_or(Error::Unauthorized)?;
        let db = self.inner.personal.open(&user).await?;
        Ok(Licences::open_for(
            user,
            db,
            self.inner.session.clone(),
            self.inner.secrets.clone(),
        ))
    }

    /// Checks shown licence QR codes; needs no sign-in, and works offline
    /// from its cached issuer keys and status lists.
    pub fn verifier(&self) -> Verifier {
        self.inner.verifier.clone()
    }

    /// The signed-in user's settings. Another account on the same phone has
    /// its own database and never sees these.
    pub async fn my_preferences(&self) -> Result<Preferences> {
        let user = self
            .inner
            .session
            .signed_in_user()
            .ok_or(Error::Unauthorized)?;
        self.preferences(&user).await
    }
}
