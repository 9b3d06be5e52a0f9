//! A service guide (办事指南) as the app shows it, after the fields of the
//! national basic catalogue of government-service items. The JSON shape is
//! the platform's (`GET /api/v1/catalog/items/{code}`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Guide {
    /// `<item code>-<region code>`, e.g. `GA001-530102`.
    pub code: String,
    pub name: String,
    /// 行政许可, 行政确认, 行政给付, 行政征收, 公共服务 or 其他行政权力.
    pub item_type: String,
    pub department_code: String,
    pub department_name: String,
    /// GB/T 2260 codes of the regions where the guide applies.
    pub region_codes: Vec<String>,
    pub audiences: Vec<Audience>,
    /// Life-event themes: 出生 … 身后事 for persons, 开办 … 纳税 for companies.
    pub themes: Vec<String>,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    pub steps: Vec<Step>,
    /// 法定办结时限, working days.
    pub legal_time_limit_days: u32,
    /// 承诺办结时限, working days; never more than the legal limit.
    pub promised_time_limit_days: u32,
    /// Empty when the item is free.
    pub fees: Vec<Fee>,
    pub places: Vec<Place>,
    /// 0 information only … 4 fully online.
    pub online_depth: u8,
    pub visits_in_person: u8,
    pub booking: bool,
    pub courier_delivery: bool,
    /// The form schema application drafts of this item use.
    #[serde(default)]
    pub form_schema_id: Option<String>,
    /// Starts at 1 and goes up on every change.
    pub revision: u32,
}

/// Who an item serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Audience {
    /// 自然人: citizens.
    NaturalPerson,
    /// 法人: companies and other organisations.
    LegalPerson,
}

impl Audience {
    pub(crate) fn facet(self) -> &'static str {
        match self {
            Audience::NaturalPerson => "pn",
            Audience::LegalPerson => "pl",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    pub required: bool,
    pub source: MaterialSource,
    /// Which electronic licence satisfies it, when `source` is `Licence`.
    pub licence_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MaterialForm {
    Original,
    Copy,
    OriginalAndCopy,
}

/// Where a material comes from. A licence the government already holds is
/// never asked of the applicant again: the app reuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MaterialSource {
    Applicant,
    Licence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Step {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Fee {
    pub name: String,
    /// In fen (0.01 yuan), so money is never a float.
    pub amount_fen: u32,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Place {
    pub name: String,
    pub address: String,
    pub window: String,
    pub hours: String,
    pub phone: String,
}

/// A guide read from the offline catalog, and how fresh it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GuideView {
    pub guide: Guide,
    pub freshness: Freshness,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Freshness {
    /// The platform confirmed this is the current revision just now (304),
    /// or sent the new one (200).
    Revalidated,
    /// The platform could not be asked in time; this is the offline copy,
    /// as of the last sync (`synced_at_ms`, if the catalog was ever synced).
    Offline { synced_at_ms: Option<i64> },
}
