//! The departments that handle service items (政务服务事项): the provincial
//! departments and, in each of the 16 prefecture-level divisions, the local
//! bureaus a citizen most often deals with.
//!
//! A department's code is its region code plus the kind's short slug
//! (`530100-ga` is 昆明市公安局), so codes stay stable across reseeds and are
//! readable in logs and URLs.

use super::regions::{RegionLevel, SeedRegion};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DepartmentKind {
    PublicSecurity,
    MarketRegulation,
    HumanResourcesSocialSecurity,
    NaturalResources,
    CivilAffairs,
    HousingConstruction,
    Health,
    MedicalSecurity,
    Taxation,
    Education,
    Transport,
    Justice,
    VeteransAffairs,
    EcologyEnvironment,
    AgricultureRural,
    EmergencyManagement,
    GovernmentServices,
    HousingProvidentFund,
}

impl DepartmentKind {
    /// The `kind` field clients see.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::PublicSecurity => "public-security",
            DepartmentKind::MarketRegulation => "market-regulation",
            DepartmentKind::HumanResourcesSocialSecurity => "human-resources-social-security",
            DepartmentKind::NaturalResources => "natural-resources",
            DepartmentKind::CivilAffairs => "civil-affairs",
            DepartmentKind::HousingConstruction => "housing-construction",
            DepartmentKind::Health => "health",
            DepartmentKind::MedicalSecurity => "medical-security",
            DepartmentKind::Taxation => "taxation",
            DepartmentKind::Education => "education",
            DepartmentKind::Transport => "transport",
            DepartmentKind::Justice => "justice",
            DepartmentKind::VeteransAffairs => "veterans-affairs",
            DepartmentKind::EcologyEnvironment => "ecology-environment",
            DepartmentKind::AgricultureRural => "agriculture-rural",
            DepartmentKind::EmergencyManagement => "emergency-management",
            DepartmentKind::GovernmentServices => "government-services",
            DepartmentKind::HousingProvidentFund => "housing-provident-fund",
        }
    }

    /// The code suffix: the pinyin initials Chinese staff already use.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            DepartmentKind::PublicSecurity => "ga",
            DepartmentKind::MarketRegulation => "scjg",
            DepartmentKind::HumanResourcesSocialSecurity => "rs",
            DepartmentKind::NaturalResources => "zr",
            DepartmentKind::CivilAffairs => "mz",
            DepartmentKind::HousingConstruction => "zj",
            DepartmentKind::Health => "wj",
            DepartmentKind::MedicalSecurity => "yb",
            DepartmentKind::Taxation => "sw",
            DepartmentKind::Education => "jy",
            DepartmentKind::Transport => "jt",
            DepartmentKind::Justice => "sf",
            DepartmentKind::VeteransAffairs => "tyjr",
            DepartmentKind::EcologyEnvironment => "sthj",
            DepartmentKind::AgricultureRural => "nync",
            DepartmentKind::EmergencyManagement => "yj",
            DepartmentKind::GovernmentServices => "zw",
            DepartmentKind::HousingProvidentFund => "gjj",
        }
    }
}

const PROVINCIAL: &[(DepartmentKind, &str)] = &[
    (DepartmentKind::PublicSecurity, "云南省公安厅"),
    (DepartmentKind::MarketRegulation, "云南省市场监督管理局"),
    (
        DepartmentKind::HumanResourcesSocialSecurity,
        "云南省人力资源和社会保障厅",
    ),
    (DepartmentKind::NaturalResources, "云南省自然资源厅"),
    (DepartmentKind::CivilAffairs, "云南省民政厅"),
    (
        DepartmentKind::HousingConstruction,
        "云南省住房和城乡建设厅",
    ),
    (DepartmentKind::Health, "云南省卫生健康委员会"),
    (DepartmentKind::MedicalSecurity, "云南省医疗保障局"),
    (DepartmentKind::Taxation, "国家税务总局云南省税务局"),
    (DepartmentKind::Education, "云南省教育厅"),
    (DepartmentKind::Transport, "云南省交通运输厅"),
    (DepartmentKind::Justice, "云南省司法厅"),
    (DepartmentKind::VeteransAffairs, "云南省退役军人事务厅"),
    (DepartmentKind::EcologyEnvironment, "云南省生态环境厅"),
    (DepartmentKind::AgricultureRural, "云南省农业农村厅"),
    (DepartmentKind::EmergencyManagement, "云南省应急管理厅"),
    (DepartmentKind::GovernmentServices, "云南省政务服务管理局"),
];

/// The bureaus every prefecture-level division has, as `{}` templates over
/// the division's full name (e.g. 大理白族自治州公安局).
const PREFECTURE_TEMPLATES: &[(DepartmentKind, &str)] = &[
    (DepartmentKind::PublicSecurity, "{}公安局"),
    (DepartmentKind::MarketRegulation, "{}市场监督管理局"),
    (
        DepartmentKind::HumanResourcesSocialSecurity,
        "{}人力资源和社会保障局",
    ),
    (DepartmentKind::NaturalResources, "{}自然资源和规划局"),
    (DepartmentKind::CivilAffairs, "{}民政局"),
    (DepartmentKind::Health, "{}卫生健康委员会"),
    (DepartmentKind::MedicalSecurity, "{}医疗保障局"),
    (DepartmentKind::Taxation, "国家税务总局{}税务局"),
    (DepartmentKind::GovernmentServices, "{}政务服务管理局"),
    (DepartmentKind::HousingProvidentFund, "{}住房公积金管理中心"),
];

/// Names that don't follow the template.
const PREFECTURE_OVERRIDES: &[(&str, DepartmentKind, &str)] = &[(
    "530100",
    DepartmentKind::HousingProvidentFund,
    "昆明住房公积金管理中心",
)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DepartmentLevel {
    Province,
    Prefecture,
}

impl DepartmentLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DepartmentLevel::Province => "province",
            DepartmentLevel::Prefecture => "prefecture",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeedDepartment {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) region_code: &'static str,
    pub(crate) level: DepartmentLevel,
    pub(crate) kind: DepartmentKind,
}

/// Every seeded department, provincial ones first, then each prefecture's in
/// region order.
pub(crate) fn all(regions: &[SeedRegion]) -> Vec<SeedDepartment> {
    let mut departments = Vec::new();
    for province in regions.iter().filter(|r| r.level == RegionLevel::Province) {
        for &(kind, name) in PROVINCIAL {
            departments.push(department(
                province,
                DepartmentLevel::Province,
                kind,
                name.to_owned(),
            ));
        }
    }
    for prefecture in regions
        .iter()
        .filter(|r| r.level == RegionLevel::Prefecture)
    {
        for &(kind, template) in PREFECTURE_TEMPLATES {
            let name = PREFECTURE_OVERRIDES
                .iter()
                .find(|(code, k, _)| *code == prefecture.code && *k == kind)
                .map(|(_, _, name)| (*name).to_owned())
                .unwrap_or_else(|| template.replace("{}", prefecture.name));
            departments.push(department(
                prefecture,
                DepartmentLevel::Prefecture,
                kind,
                name,
            ));
        }
    }
    departments
}

fn department(
    region: &SeedRegion,
    level: DepartmentLevel,
    kind: DepartmentKind,
    name: String,
) -> SeedDepartment {
    SeedDepartment {
        code: format!("{}-{}", region.code, kind.slug()),
        name,
        region_code: region.code,
        level,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::seed::regions;

    fn seeded() -> Vec<SeedDepartment> {
        all(&regions::all().unwrap())
    }

    #[test]
    fn covers_the_province_and_every_prefecture() {
        let departments = seeded();
        assert_eq!(
            departments.len(),
            PROVINCIAL.len() + 16 * PREFECTURE_TEMPLATES.len()
        );
        let regions: HashSet<_> = departments.iter().map(|d| d.region_code).collect();
        assert_eq!(regions.len(), 17);
    }

    #[test]
    fn codes_and_names_are_unique() {
        let departments = seeded();
        let codes: HashSet<_> = departments.iter().map(|d| &d.code).collect();
        let names: HashSet<_> = departments.iter().map(|d| &d.name).collect();
        assert_eq!(codes.len(), departments.len());
        assert_eq!(names.len(), departments.len());
    }

    #[test]
    fn uses_full_prefecture_names_and_known_exceptions() {
        let departments = seeded();
        let name_of = |code: &str| {
            departments
                .iter()
                .find(|d| d.code == code)
                .map(|d| d.name.as_str())
        };
        assert_eq!(name_of("530000-ga"), Some("云南省公安厅"));
        assert_eq!(name_of("530100-ga"), Some("昆明市公安局"));
        assert_eq!(name_of("530100-gjj"), Some("昆明住房公积金管理中心"));
        assert_eq!(name_of("532900-scjg"), Some("大理白族自治州市场监督管理局"));
        assert_eq!(
            name_of("533400-sw"),
            Some("国家税务总局迪庆藏族自治州税务局")
        );
    }
}
