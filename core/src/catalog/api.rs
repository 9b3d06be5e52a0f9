//! Fetching reference data from the platform.

use serde::Deserialize;

use super::model::{Department, Region};
use crate::error::Result;
use crate::http::HttpClient;

#[derive(Deserialize)]
struct RegionList {
    regions: Vec<Region>,
}

#[derive(Deserialize)]
struct DepartmentList {
    departments: Vec<Department>,
}

pub(super) async fn fetch_regions(http: &HttpClient) -> Result<Vec<Region>> {
    let list: RegionList = http.get_json("api/v1/regions").await?;
    Ok(list.regions)
}

pub(super) async fn fetch_departments(http: &HttpClient) -> Result<Vec<Department>> {
    let list: DepartmentList = http.get_json("api/v1/departments").await?;
    Ok(list.departments)
}
