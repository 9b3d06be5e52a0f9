//! Material slots from the guide's materials (申请材料): one slot per
//! material, keyed in English, with the file types and page counts the
//! material needs, and the licence type when the government already holds
//! it as an electronic licence (电子证照).

use std::collections::HashSet;

use banshitong_forms::MaterialSlot;

use crate::catalog::generate::material;
use crate::catalog::items::Item;
use crate::catalog::model::Material;

/// Licence types (see `catalog::items::LICENCES`) and their slot keys.
const LICENCE_KEYS: &[(&str, &str)] = &[
    ("居民身份证", "id_card"),
    ("户口簿", "household_register"),
    ("结婚证", "marriage_certificate"),
    ("离婚证", "divorce_certificate"),
    ("出生医学证明", "birth_certificate"),
    ("营业执照", "business_licence"),
    ("不动产权证书", "property_certificate"),
    ("机动车驾驶证", "driving_licence"),
    ("机动车行驶证", "vehicle_licence"),
    ("社会保障卡", "social_security_card"),
    ("残疾人证", "disability_certificate"),
    ("护照", "passport"),
    ("居住证", "residence_permit"),
    ("食品经营许可证", "food_business_licence"),
    ("毕业证书", "diploma"),
    ("退役军人证", "veteran_certificate"),
    ("医师资格证书", "physician_qualification"),
    ("教师资格证书", "teacher_qualification"),
    ("道路运输证", "road_transport_certificate"),
    ("建设工程规划许可证", "planning_permit"),
    ("药品经营许可证", "drug_business_licence"),
    ("死亡医学证明", "death_certificate"),
];

/// Whose licence it is, when the name says (法定代表人居民身份证).
const HOLDERS: &[(&str, &str)] = &[
    ("法定代表人", "legal_rep_"),
    ("父母", "parents_"),
    ("经办人", "handler_"),
    ("申报人", "declarant_"),
    ("职工", "employee_"),
    ("成员", "member_"),
    ("亲属", "relative_"),
    ("活动承办者", "organiser_"),
];

/// Other materials: the first entry whose words the name contains gives
/// the key. More specific words come first.
const KEYWORDS: &[(&str, &str)] = &[
    ("合影照片", "couple_photo"),
    ("照片", "photo"),
    ("委托书", "power_of_attorney"),
    ("承诺书", "commitment_letter"),
    ("章程", "articles"),
    ("购房合同", "purchase_contract"),
    ("房屋买卖合同", "sale_contract"),
    ("房屋租赁合同", "lease_contract"),
    ("劳动合同解除", "termination_proof"),
    ("劳动合同", "labour_contract"),
    ("抵押合同", "mortgage_contract"),
    ("主债权合同", "loan_contract"),
    ("土地出让合同", "land_grant_contract"),
    ("施工合同", "construction_contract"),
    ("质押合同", "pledge_contract"),
    ("合同", "contract"),
    ("离婚协议书", "divorce_agreement"),
    ("协议", "agreement"),
    ("决议", "resolution"),
    ("总平面图", "site_plan"),
    ("平面图", "floor_plan"),
    ("布局图", "layout_drawing"),
    ("流程图", "process_chart"),
    ("设计图", "design_drawing"),
    ("清算报告", "liquidation_report"),
    ("检验报告", "inspection_report"),
    ("验收报告", "acceptance_report"),
    ("评价报告", "assessment_report"),
    ("影响报告", "impact_report"),
    ("论证报告", "feasibility_report"),
    ("验资", "capital_verification"),
    ("报告", "report"),
    ("方案", "plan"),
    ("计划书", "business_plan"),
    ("制度", "rules"),
    ("管理文件", "quality_documents"),
    ("票据", "receipts"),
    ("发票", "invoice"),
    ("明细清单", "itemised_bill"),
    ("出院记录", "discharge_record"),
    ("病历", "medical_records"),
    ("诊断证明", "diagnosis"),
    ("健康证明", "health_certificate"),
    ("身体条件证明", "fitness_certificate"),
    ("体检合格证明", "medical_exam"),
    ("考试合格证明", "exam_pass"),
    ("考核合格", "assessment_pass"),
    ("亲属关系证明", "kinship_proof"),
    ("劳动关系证明", "employment_proof"),
    ("住所使用证明", "premises_proof"),
    ("场所使用证明", "premises_proof"),
    ("经营场所证明", "premises_proof"),
    ("收入", "income_proof"),
    ("经济困难", "hardship_statement"),
    ("困难情况证明", "hardship_proof"),
    ("低保证明", "subsistence_proof"),
    ("完税凭证", "tax_receipt"),
    ("清税", "tax_clearance"),
    ("缴费凭证", "contribution_record"),
    ("参保", "insurance_record"),
    ("交强险", "compulsory_insurance"),
    ("火化证明", "cremation_certificate"),
    ("来历证明", "origin_proof"),
    ("出厂合格证明", "conformity_certificate"),
    ("产品合格证", "conformity_certificate"),
    ("回收证明", "scrapping_certificate"),
    ("登记证书", "registration_certificate"),
    ("登记证明", "registration_certificate"),
    ("居住登记凭证", "residence_registration"),
    ("居住证明", "residence_proof"),
    ("通行证", "travel_permit"),
    ("公证书", "notarial_certificate"),
    ("决定书", "decision"),
    ("名册", "roster"),
    ("名单", "roster"),
    ("调函", "transfer_letter"),
    ("报到证", "registration_card"),
    ("审批表", "approval_form"),
    ("审核表", "review_form"),
    ("认定表", "assessment_form"),
    ("评定表", "assessment_form"),
    ("登记表", "registration_form"),
    ("备案表", "filing_form"),
    ("申报表", "declaration_form"),
    ("申请表", "application_form"),
    ("申请书", "application_form"),
    ("申请报告", "application_form"),
    ("备案书", "filing_form"),
    ("登记书", "application_form"),
    ("说明表", "statement"),
    ("声明", "declaration"),
    ("说明", "statement"),
    ("意见", "opinion"),
    ("证明", "proof"),
    ("证书", "certificate"),
    ("证", "certificate"),
    ("档案", "personnel_file"),
    ("材料", "documents"),
];

/// The key of a material: its licence (with the holder), a keyword's key,
/// else `material`; `_2`, `_3` … when the form already has it.
fn base_key(material: &Material) -> String {
    if let Some(licence) = &material.licence_type {
        let key = LICENCE_KEYS
            .iter()
            .find(|(name, _)| name == licence)
            .map_or("licence", |(_, key)| key);
        let holder = HOLDERS
            .iter()
            .find(|(word, _)| material.name.starts_with(word))
            .map_or("", |(_, prefix)| prefix);
        return format!("{holder}{key}");
    }
    KEYWORDS
        .iter()
        .find(|(word, _)| material.name.contains(word))
        .map_or("material", |(_, key)| key)
        .to_owned()
}

fn unique(key: String, used: &mut HashSet<String>) -> String {
    if used.insert(key.clone()) {
        return key;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{key}_{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Photos are images; everything else may be scanned to PDF too.
fn accepted_types(name: &str) -> Vec<String> {
    let types: &[&str] = if name.contains("照片") {
        &["jpeg", "png"]
    } else {
        &["jpeg", "png", "pdf"]
    };
    types.iter().map(|t| (*t).to_owned()).collect()
}

/// How many files a material takes: a card's two sides, a booklet's pages,
/// a long document's pages.
fn max_count(material: &Material) -> u32 {
    let name = material.name.as_str();
    if name.contains("照片") {
        return 1;
    }
    match material.licence_type.as_deref() {
        Some("居民身份证") if name.starts_with("父母") => 4,
        Some("居民身份证" | "社会保障卡" | "机动车驾驶证" | "机动车行驶证") => {
            2
        }
        Some("户口簿") => 10,
        Some(_) => 4,
        None if [
            "合同", "协议", "章程", "报告", "方案", "病历", "票据", "清单", "材料", "制度",
        ]
        .iter()
        .any(|w| name.contains(w)) =>
        {
            20
        }
        None => 5,
    }
}

fn slot(material: &Material, used: &mut HashSet<String>) -> MaterialSlot {
    MaterialSlot {
        key: unique(base_key(material), used),
        name: material.name.clone(),
        required: material.required,
        accepted_types: accepted_types(&material.name),
        max_count: max_count(material),
        licence_type: if material.source == "licence" {
            material.licence_type.clone()
        } else {
            None
        },
    }
}

/// The item's materials as slots, in the guide's order, then, when an
/// agent may apply and the guide lists no power of attorney, an optional
/// slot for the one an agent brings.
pub(super) fn for_item(item: &Item, delegable: bool) -> Vec<MaterialSlot> {
    let mut used = HashSet::new();
    let mut slots: Vec<MaterialSlot> = item
        .materials
        .split('|')
        .map(|spec| slot(&material(spec), &mut used))
        .collect();
    if delegable && !slots.iter().any(|s| s.name.contains("委托书")) {
        slots.push(MaterialSlot {
            key: unique("power_of_attorney".to_owned(), &mut used),
            name: "授权委托书（委托代理人办理时提供）".to_owned(),
            required: false,
            accepted_types: accepted_types("授权委托书"),
            max_count: 5,
            licence_type: None,
        });
    }
    slots
}
