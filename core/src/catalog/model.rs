//! Reference data types, as the platform serves them.

use serde::{Deserialize, Serialize};

/// An administrative division (GB/T 2260) with its six-digit code.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub level: RegionLevel,
}

#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    Prefecture,
    County,
}

/// A department that handles service items (e.g. 昆明市公安局).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    pub name: String,
    /// The GB/T 2260 code of the region it serves.
    pub region_code: String,
    pub level: DepartmentLevel,
    /// A short slug for the kind of department (e.g. "ga" for public security).
    pub kind: String,
}

#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentLevel {
    Province,
    Prefecture,
    County,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Prefecture => "prefecture",
            RegionLevel::County => "county",
        }
    }
}

impl DepartmentLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentLevel::Province => "province",
            DepartmentLevel::Prefecture => "prefecture",
            DepartmentLevel::County => "county",
        }
    }
}
