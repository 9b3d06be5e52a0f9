//! `Client`: the one object an app holds. Domains hang off it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Department, Region};
use crate::config::ClientConfig;
use crate::error::{Error, Result};
use crate::events::{Connectivity, Subscription};
use crate::http::{Endpoint, HttpClient};
use crate::platform::SecretStore;
use crate::preferences::Preferences;
use crate::store::{Database, open_catalog_db, open_personal_db};

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
    secrets: Arc<dyn SecretStore>,
    catalog: Catalog,
    /// Personal databases opened in this process, by user id: one connection each.
    personal: Mutex<HashMap<String, Database>>,
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
        Ok(Self {
            inner: Arc::new(Inner {
                catalog: Catalog::new(http.clone(), catalog_db),
                config,
                http,
                secrets,
                personal: Mutex::new(HashMap::new()),
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
        Ok(Preferences::new(self.personal_db(user_id).await?))
    }

    /// Opens (once per process) the personal database of `user_id`.
    pub(crate) async fn personal_db(&self, user_id: &str) -> Result<Database> {
        if let Some(db) = self.lock_personal().get(user_id) {
            return Ok(db.clone());
        }
        let inner = self.inner.clone();
        let user = user_id.to_owned();
        let db = tokio::task::spawn_blocking(move || {
            open_personal_db(&inner.config.data_dir_path(), &user, inner.secrets.as_ref())
        })
        .await
        .map_err(|e| Error::storage(format!("opening personal data failed: {e}")))??;
        Ok(self
            .lock_personal()
            .entry(user_id.to_owned())
            .or_insert(db)
            .clone())
    }

    fn lock_personal(&self) -> std::sync::MutexGuard<'_, HashMap<String, Database>> {
        self.inner
            .personal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}
