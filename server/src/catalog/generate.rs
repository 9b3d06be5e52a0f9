//! A deterministic generator of true-to-life guides: every common item of
//! [`super::items::ITEMS`] spread over Yunnan's regions, with county-level
//! variations in place, window, hours, phone and promised time limit.
//!
//! The same inputs and seed always give the same guides, so a fresh database
//! looks the same on every machine.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::form_schema;
use super::items::{Aud, GF, GG, ITEMS, Item, LICENCES, QR, QT, XK, ZS};
use super::model::{Fee, Guide, Material, Place, Step};

/// The seed of the catalog every fresh database gets.
pub(crate) const SEED: u64 = 0x0BA5_4170_2026;

/// A region as the generator needs it (from the seeded `regions` table).
pub(crate) struct GenRegion {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) parent_code: Option<String>,
}

/// A department (from the seeded `departments` table).
pub(crate) struct GenDepartment {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) region_code: String,
    pub(crate) kind: String,
}

const STREETS: &[&str] = &[
    "人民路",
    "北京路",
    "民族路",
    "环城路",
    "滇池路",
    "迎宾路",
    "新华路",
    "建设路",
    "文化路",
    "龙泉路",
    "振兴大道",
    "团结路",
    "世纪大道",
    "南屏街",
    "兴华街",
];
const HOURS: &[&str] = &[
    "周一至周五 9:00-12:00，13:00-17:00",
    "周一至周五 9:00-12:00，14:30-17:30",
    "周一至周五 8:30-12:00，14:30-18:00（夏季）；14:00-17:30（冬季）",
    "周一至周五 9:00-17:00（中午不休）；周六 9:00-12:00",
    "周一至周日 9:00-17:00（法定节假日除外）",
];
const CENTRES: &[&str] = &["政务服务中心", "为民服务中心", "政务服务大厅"];

/// Telephone area codes by prefecture (GB/T 2260 code of the prefecture).
fn area_code(prefecture: &str) -> &'static str {
    match prefecture {
        "530300" => "0874",
        "530400" => "0877",
        "530500" => "0875",
        "530600" => "0870",
        "530700" => "0888",
        "530800" => "0879",
        "530900" => "0883",
        "532300" => "0878",
        "532500" => "0873",
        "532600" => "0876",
        "532800" => "0691",
        "532900" => "0872",
        "533100" => "0692",
        "533300" => "0886",
        "533400" => "0887",
        _ => "0871",
    }
}

struct Lookup<'a> {
    regions: &'a [GenRegion],
    by_code: HashMap<&'a str, &'a GenRegion>,
    departments: HashMap<(&'a str, &'a str), &'a GenDepartment>,
    province: &'a str,
}

impl<'a> Lookup<'a> {
    fn new(regions: &'a [GenRegion], departments: &'a [GenDepartment]) -> Lookup<'a> {
        let province = regions
            .iter()
            .find(|r| r.parent_code.is_none())
            .map_or("530000", |r| r.code.as_str());
        Lookup {
            regions,
            by_code: regions.iter().map(|r| (r.code.as_str(), r)).collect(),
            departments: departments
                .iter()
                .map(|d| ((d.region_code.as_str(), d.kind.as_str()), d))
                .collect(),
            province,
        }
    }

    /// The prefecture a region belongs to (itself for a prefecture, the
    /// province for the province).
    fn prefecture_of(&self, region: &'a GenRegion) -> &'a str {
        match region.parent_code.as_deref() {
            None => region.code.as_str(),
            Some(parent) if parent == self.province => region.code.as_str(),
            Some(parent) => self.by_code.get(parent).map_or(parent, |p| p.code.as_str()),
        }
    }

    /// The department of `kind` handling items in `region`: the
    /// prefecture's bureau, else the provincial one, else the government
    /// services bureau.
    fn department(&self, region: &'a GenRegion, kind: &str) -> Option<&'a GenDepartment> {
        let prefecture = self.prefecture_of(region);
        [
            (prefecture, kind),
            (self.province, kind),
            (prefecture, "government-services"),
            (self.province, "government-services"),
        ]
        .into_iter()
        .find_map(|key| self.departments.get(&key).copied())
    }
}

/// Generates `count` guides from the seeded regions and departments.
pub(crate) fn generate(
    count: usize,
    regions: &[GenRegion],
    departments: &[GenDepartment],
    seed: u64,
) -> Vec<Guide> {
    if regions.is_empty() || departments.is_empty() {
        return Vec::new();
    }
    let lookup = Lookup::new(regions, departments);
    let mut rng = StdRng::seed_from_u64(seed);
    // Each item visits the regions in its own shuffled order, so the first
    // ITEMS.len() guides cover every item and later rounds spread them.
    let orders: Vec<Vec<usize>> = ITEMS
        .iter()
        .map(|_| {
            let mut order: Vec<usize> = (0..regions.len()).collect();
            order.shuffle(&mut rng);
            order
        })
        .collect();
    let mut guides = Vec::with_capacity(count);
    for k in 0..count {
        let item_index = k % ITEMS.len();
        let round = k / ITEMS.len();
        let region = &lookup.regions[orders[item_index][round % regions.len()]];
        let variant = round / regions.len();
        if let Some(guide) = guide(&lookup, &mut rng, item_index, region, variant) {
            guides.push(guide);
        }
    }
    guides
}

fn guide(
    lookup: &Lookup<'_>,
    rng: &mut StdRng,
    item_index: usize,
    region: &GenRegion,
    variant: usize,
) -> Option<Guide> {
    let item = &ITEMS[item_index];
    let department = lookup.department(region, item.kind.as_str())?;
    let slug = department
        .code
        .rsplit('-')
        .next()
        .unwrap_or("x")
        .to_ascii_uppercase();
    let mut code = format!("{slug}{:03}-{}", item_index + 1, region.code);
    if variant > 0 {
        code.push_str(&format!("-{}", variant + 1));
    }
    let legal = item.legal_days;
    let promised = if legal <= 1 {
        legal
    } else {
        let delta = rng.random_range(-2i64..=2);
        (i64::from(item.promised_days) + delta).clamp(1, i64::from(legal)) as u32
    };
    let prefecture = lookup.prefecture_of(region);
    let online_depth = item.depth;
    Some(Guide {
        code,
        name: item.name.to_owned(),
        item_type: item.item_type.to_owned(),
        form_schema_id: form_schema::for_item(item_index),
        department_code: department.code.clone(),
        department_name: department.name.clone(),
        region_codes: vec![region.code.clone()],
        audiences: match item.audience {
            Aud::P => vec!["natural_person".to_owned()],
            Aud::L => vec!["legal_person".to_owned()],
            Aud::B => vec!["natural_person".to_owned(), "legal_person".to_owned()],
        },
        themes: item.themes.split('|').map(str::to_owned).collect(),
        legal_basis: legal_basis(item),
        conditions: conditions(item),
        materials: item.materials.split('|').map(material).collect(),
        steps: steps(item, promised),
        legal_time_limit_days: legal,
        promised_time_limit_days: promised,
        fees: fees(item),
        places: places(rng, region, prefecture, variant),
        online_depth,
        visits_in_person: item.visits,
        booking: online_depth >= 2 && rng.random_bool(0.7),
        courier_delivery: matches!(item.item_type, t if t == XK || t == QR) && rng.random_bool(0.6),
        revision: 1,
    })
}

fn legal_basis(item: &Item) -> Vec<String> {
    let mut basis = vec![item.law.to_owned()];
    if item.depth >= 3 {
        basis.push("《国务院关于在线政务服务的若干规定》".to_owned());
    }
    basis
}

fn conditions(item: &Item) -> Vec<String> {
    let who = match item.audience {
        Aud::P => "申请人为本人或其法定监护人、委托代理人",
        Aud::L => "申请人为依法设立的企业或其他组织，由法定代表人或委托代理人办理",
        Aud::B => "申请人为自然人、法人或其他组织，可委托代理人办理",
    };
    let mut conditions = vec![who.to_owned(), "申请材料齐全，符合法定形式".to_owned()];
    if item.item_type == XK || item.item_type == GF {
        conditions.push(format!("符合{}规定的条件", item.law));
    }
    conditions
}

/// One material of an item's `materials` spec (`?` optional, `*` a copy);
/// the application form's material slots are made from the same specs.
pub(crate) fn material(spec: &str) -> Material {
    let (required, spec) = match spec.strip_prefix('?') {
        Some(rest) => (false, rest),
        None => (true, spec),
    };
    let (copy, name) = match spec.strip_suffix('*') {
        Some(rest) => (true, rest),
        None => (false, spec),
    };
    let licence = LICENCES.iter().find(|l| name.ends_with(**l));
    let (form, copies) = if copy {
        ("copy", 1)
    } else if licence.is_some() {
        ("original_and_copy", 1)
    } else if name.ends_with("照片") {
        ("original", 2)
    } else {
        ("original", 1)
    };
    Material {
        name: if copy {
            format!("{name}复印件")
        } else {
            name.to_owned()
        },
        form: form.to_owned(),
        copies,
        required,
        source: if licence.is_some() {
            "licence"
        } else {
            "applicant"
        }
        .to_owned(),
        licence_type: licence.map(|l| (*l).to_owned()),
    }
}

fn steps(item: &Item, promised: u32) -> Vec<Step> {
    let names: &[&str] = match item.item_type {
        t if t == XK => &["申请", "受理", "审查", "决定", "送达"],
        t if t == QR => &["申请", "受理", "审核", "办结"],
        t if t == GF => &["申请", "受理", "审核", "公示", "发放"],
        t if t == ZS => &["申报", "审核", "缴纳"],
        t if t == GG => &["申请", "受理", "办结"],
        t if t == QT => &["申请", "受理", "审查", "办结"],
        _ => &["申请", "办结"],
    };
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let description = match i {
                0 if item.depth >= 2 => {
                    "通过“一部手机办事通”、云南政务服务网或到窗口提交申请材料".to_owned()
                }
                0 => "到办事窗口提交申请材料".to_owned(),
                1 => "窗口当场核对材料，材料齐全的当场受理，不齐全的一次性告知补正".to_owned(),
                _ if i + 1 == names.len() => format!("承诺{promised}个工作日内办结并告知结果"),
                _ => format!("经办机构依法{name}"),
            };
            Step {
                name: (*name).to_owned(),
                description,
            }
        })
        .collect()
}

fn fees(item: &Item) -> Vec<Fee> {
    if item.fee_fen == 0 {
        return Vec::new();
    }
    vec![Fee {
        name: if item.name.contains("公证") {
            "公证费"
        } else if item.name.contains("登记") {
            "登记费"
        } else {
            "证件工本费"
        }
        .to_owned(),
        amount_fen: item.fee_fen,
        basis: format!("{}及国家发展改革委、财政部核定的收费标准", item.law),
    }]
}

fn places(rng: &mut StdRng, region: &GenRegion, prefecture: &str, variant: usize) -> Vec<Place> {
    // Per-region choices come from the region code, so every guide of a
    // county shares its hall, address and hours; windows and phones vary.
    let region_hash = region.code.bytes().fold(7usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    let centre = CENTRES[region_hash % CENTRES.len()];
    let hall = if variant > 0 {
        format!("{}{centre}第{}分中心", region.name, variant + 1)
    } else {
        format!("{}{centre}", region.name)
    };
    let area = area_code(prefecture);
    let local = if area == "0871" {
        format!("6{:07}", rng.random_range(0..10_000_000u32))
    } else {
        format!(
            "{}{:06}",
            rng.random_range(2..=8u32),
            rng.random_range(0..1_000_000u32)
        )
    };
    vec![Place {
        name: hall,
        address: format!(
            "{}{}{}号",
            region.name,
            STREETS[(region_hash / 7) % STREETS.len()],
            region_hash % 300 + 1
        ),
        window: format!("{}号窗口", rng.random_range(1..=40u32)),
        hours: HOURS[(region_hash / 3) % HOURS.len()].to_owned(),
        phone: format!("{area}-{local}"),
    }]
}
