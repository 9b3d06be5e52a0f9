//! The service-item guide (办事指南), after the fields of the national basic
//! catalogue of government-service items.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Guide {
    /// Stable, unique, URL-safe: `<item code>-<region code>`, e.g. `GA001-530102`.
    pub(crate) code: String,
    pub(crate) name: String,
    /// One of 行政许可, 行政确认, 行政给付, 行政征收, 公共服务, 其他行政权力.
    pub(crate) item_type: String,
    /// The application-form schema drafts of this item use, e.g. `GA001.v1`:
    /// the item code and a version, shared by every guide of the item (see
    /// [`super::form_schema`]).
    pub(crate) form_schema_id: String,
    pub(crate) department_code: String,
    pub(crate) department_name: String,
    /// GB/T 2260 codes of the regions where the guide applies.
    pub(crate) region_codes: Vec<String>,
    /// `natural_person` and/or `legal_person`.
    pub(crate) audiences: Vec<String>,
    /// Life-event themes (出生 … 身后事 for persons, 开办 … 纳税 for companies).
    pub(crate) themes: Vec<String>,
    pub(crate) legal_basis: Vec<String>,
    pub(crate) conditions: Vec<String>,
    pub(crate) materials: Vec<Material>,
    pub(crate) steps: Vec<Step>,
    /// 法定办结时限, working days.
    pub(crate) legal_time_limit_days: u32,
    /// 承诺办结时限, working days; never more than the legal limit.
    pub(crate) promised_time_limit_days: u32,
    /// Empty when the item is free.
    pub(crate) fees: Vec<Fee>,
    pub(crate) places: Vec<Place>,
    /// 0 information only, 1 download forms, 2 apply online, 3 apply and
    /// track online with one visit, 4 fully online.
    pub(crate) online_depth: u8,
    pub(crate) visits_in_person: u8,
    pub(crate) booking: bool,
    pub(crate) courier_delivery: bool,
    /// Starts at 1 and goes up on every change.
    pub(crate) revision: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Material {
    pub(crate) name: String,
    /// `original`, `copy` or `original_and_copy`.
    pub(crate) form: String,
    pub(crate) copies: u32,
    pub(crate) required: bool,
    /// `applicant` (the applicant brings it) or `licence` (an electronic
    /// licence the government holds; `licence_type` says which).
    pub(crate) source: String,
    pub(crate) licence_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Step {
    pub(crate) name: String,
    pub(crate) description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Fee {
    pub(crate) name: String,
    /// In fen (0.01 yuan), so money is never a float.
    pub(crate) amount_fen: u32,
    pub(crate) basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Place {
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) window: String,
    pub(crate) hours: String,
    pub(crate) phone: String,
}
