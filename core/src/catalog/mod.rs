//! The public catalog: reference data (regions, departments) and the
//! service guides with their search. Everything here is cached in
//! `catalog.db` and readable with no network once fetched.

mod api;
pub mod guides;
pub mod model;
pub mod search;
mod store;

use std::sync::Arc;

pub use guides::ProgressListener;
pub use guides::browse::{BrowseBy, FacetCount};
pub use guides::model::{
    Audience, Fee, Freshness, Guide, GuideView, Material, MaterialForm, MaterialSource, Place, Step,
};
pub use guides::progress::{CatalogStatus, SyncOptions, SyncPhase, SyncProgress, SyncReport};
pub use guides::snapshot::SnapshotImport;
pub use model::{Department, DepartmentLevel, Region, RegionLevel};
pub use search::{GuideFilters, MatchedIn, SearchHit, SearchPage, SearchRequest, TextSpan};

use crate::error::Result;
use crate::http::HttpClient;
use crate::store::Database;

/// A handle on the catalog; cheap to clone.
#[derive(Clone)]
pub struct Catalog {
    http: HttpClient,
    db: Database,
    guides: Arc<guides::GuideShared>,
}

impl Catalog {
    pub(crate) fn new(http: HttpClient, db: Database) -> Self {
        Self {
            http,
            db,
            guides: Arc::default(),
        }
    }

    /// All of Yunnan's administrative divisions (GB/T 2260). Fetched from the
    /// platform and cached; when the platform cannot be reached, the cached
    /// copy is returned, and only if there is none does this fail.
    pub async fn regions(&self) -> Result<Vec<Region>> {
        match api::fetch_regions(&self.http).await {
            Ok(all) => {
                let to_store = all.clone();
                self.db
                    .call(move |conn| store::replace_regions(conn, &to_store))
                    .await?;
                return Ok(all);
            }
            Err(e) if e.is_network() && self.has_cached(store::REGIONS).await? => {
                tracing::debug!("platform unreachable; serving cached regions");
            }
            Err(e) => return Err(e),
        }
        self.db.call(|conn| store::load_regions(conn)).await
    }

    /// The departments that handle service items, optionally only those of
    /// one region; cached like `regions`.
    pub async fn departments(&self, region_code: Option<String>) -> Result<Vec<Department>> {
        match api::fetch_departments(&self.http).await {
            Ok(all) => {
                self.db
                    .call(move |conn| store::replace_departments(conn, &all))
                    .await?
            }
            Err(e) if e.is_network() && self.has_cached(store::DEPARTMENTS).await? => {
                tracing::debug!("platform unreachable; serving cached departments");
            }
            Err(e) => return Err(e),
        }
        self.db
            .call(move |conn| store::load_departments(conn, region_code.as_deref()))
            .await
    }

    /// The catalog database, for other public caches (form schemas).
    pub(crate) fn database(&self) -> Database {
        self.db.clone()
    }

    /// When regions were last fetched (ms since the Unix epoch), if ever.
    pub async fn regions_fetched_at_ms(&self) -> Result<Option<i64>> {
        self.db
            .call(|conn| store::fetched_at_ms(conn, store::REGIONS))
            .await
    }

    async fn has_cached(&self, resource: &'static str) -> Result<bool> {
        let fetched = self
            .db
            .call(move |conn| store::fetched_at_ms(conn, resource))
            .await?;
        Ok(fetched.is_some())
    }
}
