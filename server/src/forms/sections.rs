//! The parts of a form that depend on what the item is about: a marriage's
//! other party, the people moving with a household registration, a
//! newborn, a deceased person, why a certificate is replaced, where money
//! is paid.

use banshitong_forms::FieldSpec;

use super::build::{
    FieldExt, address, date, date_limit, group, id_number, mobile, multiple_choice, region,
    single_choice, text,
};
use crate::catalog::items::{Aud, Item};

/// The item-specific fields, in the order they appear on the form.
pub(super) fn for_item(item: &Item) -> Vec<FieldSpec> {
    let name = item.name;
    let mut fields = Vec::new();
    if MARRIAGE.contains(&name) {
        fields.extend(marriage(name));
    }
    if HOUSEHOLD_MOVES.contains(&name) {
        fields.extend(household_move(name));
    }
    if BIRTHS.contains(&name) {
        fields.extend(newborn());
    }
    if DEATHS.contains(&name) {
        fields.extend(deceased());
    }
    if name.contains("挂失") {
        fields.push(
            single_choice(
                "operation",
                "办理类型",
                &[("report_loss", "挂失"), ("cancel_loss", "解挂")],
            )
            .required(),
        );
    }
    if name.contains("变更") {
        fields.extend(changes(item));
    } else if let Some(options) = reasons(item) {
        fields.extend(reason(options));
    }
    if pays_out(item) {
        fields.extend(bank_account());
    }
    fields
}

const MARRIAGE: [&str; 4] = ["结婚登记", "离婚登记", "补领结婚证", "补领离婚证"];
const HOUSEHOLD_MOVES: [&str; 3] = ["户口迁移", "投靠落户", "人才引进落户"];
const BIRTHS: [&str; 4] = [
    "出生登记",
    "新生儿参加基本医疗保险",
    "出生医学证明首次签发",
    "新生儿出生“一件事”",
];
const DEATHS: [&str; 6] = [
    "死亡人员户口注销",
    "丧葬补助金和抚恤金申领",
    "惠民殡葬补贴申领",
    "继承不动产转移登记",
    "烈士褒扬金发放",
    "身后“一件事”",
];

const MARITAL_STATUS: [(&str, &str); 3] = [
    ("unmarried", "未婚"),
    ("divorced", "离婚"),
    ("widowed", "丧偶"),
];

/// The other party, as a group of one: the same details the applicant
/// gives about themself.
fn marriage(name: &str) -> Vec<FieldSpec> {
    let mut spouse = vec![
        text("name", "姓名", 50).required(),
        id_number("id_number", "公民身份号码").required(),
        mobile("mobile", "手机号码"),
    ];
    let mut fields = Vec::new();
    if name == "结婚登记" {
        fields.push(
            single_choice("applicant_marital_status", "本人婚姻状况", &MARITAL_STATUS)
                .required()
                .help("本人声明没有配偶"),
        );
        spouse.push(single_choice("marital_status", "婚姻状况", &MARITAL_STATUS).required());
        fields.push(group("spouse", "另一方当事人", spouse, 1, 1).required());
        fields.push(date("registration_date", "预约登记日期").help("双方须本人共同到场办理"));
    } else {
        fields.push(group("spouse", "配偶（另一方当事人）", spouse, 1, 1).required());
        fields.push(
            date("married_on", "结婚登记日期")
                .required()
                .min(date_limit("1950-05-01")),
        );
    }
    fields
}

const RELATIONS: [(&str, &str); 7] = [
    ("self", "本人"),
    ("spouse", "配偶"),
    ("child", "子女"),
    ("parent", "父母"),
    ("grandchild", "孙子女、外孙子女"),
    ("sibling", "兄弟姐妹"),
    ("other", "其他"),
];

/// Where from, where to, why, and everyone who moves.
fn household_move(name: &str) -> Vec<FieldSpec> {
    let mut fields = vec![
        region("from_region", "迁出地").required(),
        address("from_address", "迁出地详细地址").required(),
        region("to_region", "迁入地").required(),
        address("to_address", "迁入地详细地址").required(),
    ];
    let move_reasons: &[(&str, &str)] = match name {
        "户口迁移" => &[
            ("purchase_house", "购房落户"),
            ("job_transfer", "工作调动"),
            ("join_relatives", "投靠亲属"),
            ("study", "升学"),
            ("other", "其他"),
        ],
        "投靠落户" => &[
            ("join_spouse", "夫妻投靠"),
            ("join_children", "父母投靠子女"),
            ("join_parents", "子女投靠父母"),
            ("other", "其他"),
        ],
        _ => &[
            ("talent", "人才引进"),
            ("graduate", "高校毕业生落户"),
            ("other", "其他"),
        ],
    };
    fields.extend(reason(move_reasons));
    let members = vec![
        text("name", "姓名", 50).required(),
        id_number("id_number", "公民身份号码").required(),
        single_choice("relation", "与申请人关系", &RELATIONS).required(),
        text("relation_other", "其他关系说明", 20)
            .required()
            .shown_when("relation", "other"),
    ];
    fields.push(
        group("members", "随迁人员", members, 1, 10)
            .required()
            .help("包括申请人本人，最多10人"),
    );
    fields
}

fn newborn() -> Vec<FieldSpec> {
    vec![
        text("newborn_name", "新生儿姓名", 30).required(),
        single_choice(
            "newborn_gender",
            "新生儿性别",
            &[("male", "男"), ("female", "女")],
        )
        .required(),
        date("newborn_birth_date", "出生日期")
            .required()
            .min(date_limit("2000-01-01")),
        text("birth_hospital", "出生医院", 100),
        single_choice(
            "relation_to_newborn",
            "申请人与新生儿关系",
            &[
                ("father", "父亲"),
                ("mother", "母亲"),
                ("guardian", "其他监护人"),
            ],
        )
        .required(),
    ]
}

fn deceased() -> Vec<FieldSpec> {
    vec![
        text("deceased_name", "逝者姓名", 50).required(),
        id_number("deceased_id_number", "逝者公民身份号码").required(),
        date("date_of_death", "死亡日期")
            .required()
            .min(date_limit("1900-01-01")),
        single_choice(
            "relation_to_deceased",
            "申请人与逝者关系",
            &[
                ("spouse", "配偶"),
                ("child", "子女"),
                ("parent", "父母"),
                ("other", "其他亲属"),
            ],
        )
        .required(),
    ]
}

/// `reason`, and `reason_other` shown and required when it is `other`.
fn reason(options: &[(&str, &str)]) -> Vec<FieldSpec> {
    vec![
        single_choice("reason", "申请原因", options).required(),
        text("reason_other", "其他原因说明", 200)
            .required()
            .shown_when("reason", "other"),
    ]
}

/// Why a certificate is replaced, renewed or cancelled, if the item is one
/// of those (and not about a death, which says why itself).
fn reasons(item: &Item) -> Option<&'static [(&'static str, &'static str)]> {
    let name = item.name;
    if DEATHS.contains(&name) {
        return None;
    }
    if ["补领", "补换", "补发"].iter().any(|w| name.contains(w)) {
        return Some(&[
            ("lost", "遗失"),
            ("damaged", "损毁"),
            ("stolen", "被盗"),
            ("other", "其他"),
        ]);
    }
    if ["换领", "换证"].iter().any(|w| name.contains(w)) {
        return Some(&[
            ("expired", "有效期满"),
            ("damaged", "证件损坏"),
            ("info_changed", "登记项目变更"),
            ("other", "其他"),
        ]);
    }
    if name.contains("注销") {
        if name.contains("机动车") {
            return Some(&[
                ("scrapped", "报废"),
                ("destroyed", "灭失"),
                ("exported", "出境不再入境"),
                ("other", "其他"),
            ]);
        }
        return Some(&[
            ("closed", "停止经营"),
            ("dissolved", "决议解散"),
            ("term_expired", "经营期限届满"),
            ("revoked", "被依法吊销或撤销"),
            ("other", "其他"),
        ]);
    }
    None
}

/// What changes, several at once; `change_other` when 其他 is among them.
fn changes(item: &Item) -> Vec<FieldSpec> {
    let options: &[(&str, &str)] = match item.name {
        "户籍信息变更更正" => &[
            ("name", "姓名"),
            ("birth_date", "出生日期"),
            ("ethnicity", "民族"),
            ("other", "其他"),
        ],
        "医师执业变更注册" => &[
            ("place", "执业地点"),
            ("category", "执业类别"),
            ("scope", "执业范围"),
            ("other", "其他"),
        ],
        "不动产变更登记" => &[
            ("owner_name", "权利人姓名（名称）"),
            ("location", "坐落"),
            ("area", "面积"),
            ("use", "用途"),
            ("other", "其他"),
        ],
        _ if matches!(item.audience, Aud::P) => &[
            ("operator", "经营者"),
            ("name", "名称"),
            ("premises", "经营场所"),
            ("scope", "经营范围"),
            ("other", "其他"),
        ],
        _ => &[
            ("name", "名称"),
            ("address", "住所"),
            ("legal_rep", "法定代表人"),
            ("scope", "经营范围"),
            ("capital", "注册资本"),
            ("other", "其他"),
        ],
    };
    vec![
        multiple_choice("change_items", "变更事项", options).required(),
        text("change_other", "其他变更事项说明", 200)
            .required()
            .shown_when("change_items", "other"),
        text("change_details", "变更前后内容", 1000)
            .required()
            .help("逐项写明变更前和变更后的内容"),
    ]
}

/// Payments (给付), allowances and reimbursements go to the applicant's
/// bank account.
fn pays_out(item: &Item) -> bool {
    [
        "报销",
        "提取",
        "补贴",
        "津贴",
        "补助",
        "资助",
        "奖励扶助",
        "抚恤",
        "救助",
        "供养",
        "褒扬金",
        "待遇申领",
        "保险金",
    ]
    .iter()
    .any(|w| item.name.contains(w))
}

fn bank_account() -> Vec<FieldSpec> {
    vec![
        text("bank_name", "开户银行", 50)
            .required()
            .help("写到支行，如 中国工商银行昆明正义路支行"),
        text("bank_account", "银行账号", 19)
            .required()
            .pattern("[0-9]{12,19}")
            .help("申请人本人名下的借记卡或社会保障卡银行账户"),
    ]
}
