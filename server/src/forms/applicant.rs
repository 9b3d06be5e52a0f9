//! Who applies: the person or company block every form starts with, the
//! agent block (委托代理人) and the remarks every form ends with.

use banshitong_forms::{FieldSpec, Limit, PrefillSource};

use super::build::{
    FieldExt, address, all_shown_when, credit_code, date, date_limit, id_number, mobile, number,
    region, single_choice, text,
};
use crate::catalog::items::{Aud, Item};

/// The values of `applicant_type` on forms open to persons and companies.
pub(crate) const NATURAL_PERSON: &str = "natural_person";
pub(crate) const LEGAL_PERSON: &str = "legal_person";

/// The identity block for the item's audience, then the contact fields
/// every form has (`applicant_mobile`, `region`).
pub(super) fn block(item: &Item) -> Vec<FieldSpec> {
    let mut fields = match item.audience {
        Aud::P => person(),
        Aud::L => company(item),
        Aud::B => {
            let mut fields = vec![
                single_choice(
                    "applicant_type",
                    "申请人类型",
                    &[(NATURAL_PERSON, "个人"), (LEGAL_PERSON, "企业或其他组织")],
                )
                .required(),
            ];
            fields.extend(all_shown_when(person(), "applicant_type", NATURAL_PERSON));
            fields.extend(all_shown_when(
                company(item),
                "applicant_type",
                LEGAL_PERSON,
            ));
            fields
        }
    };
    let mobile_label = match item.audience {
        Aud::L => "联系人手机号码",
        _ => "联系电话",
    };
    fields.push(
        mobile("applicant_mobile", mobile_label)
            .required()
            .prefill(PrefillSource::ProfileMobile)
            .help("用于接收办理进度短信"),
    );
    fields.push(
        region("region", "办理地区")
            .required()
            .help("选择到哪个县（市、区）办理"),
    );
    fields
}

fn person() -> Vec<FieldSpec> {
    vec![
        text("applicant_name", "申请人姓名", 50)
            .required()
            .prefill(PrefillSource::ProfileName)
            .help("与居民身份证上的姓名一致"),
        id_number("applicant_id_number", "申请人公民身份号码")
            .required()
            .prefill(PrefillSource::ProfileIdNumber),
        address("address", "现居住地址").required(),
    ]
}

/// An item that creates the company: it has no name on the register, no
/// credit code and no establishment date yet.
fn establishes(item: &Item) -> bool {
    ["设立", "成立", "开办"]
        .iter()
        .any(|word| item.name.contains(word))
}

fn company(item: &Item) -> Vec<FieldSpec> {
    let founding = establishes(item);
    let mut fields = Vec::new();
    if founding {
        fields.push(
            text("company_name", "拟设立名称", 100)
                .required()
                .help("已通过名称自主申报的名称"),
        );
    } else {
        fields.push(
            text("company_name", "单位名称", 100)
                .required()
                .prefill(PrefillSource::CompanyName)
                .help("与营业执照（登记证书）上的名称一致"),
        );
        fields.push(
            credit_code("credit_code", "统一社会信用代码")
                .required()
                .prefill(PrefillSource::CompanyCreditCode),
        );
    }
    fields.extend([
        text("legal_rep_name", "法定代表人（负责人）姓名", 50).required(),
        id_number("legal_rep_id_number", "法定代表人（负责人）公民身份号码").required(),
        address("registered_address", "住所（注册地址）").required(),
        text("business_scope", "经营范围（业务范围）", 1000)
            .required()
            .help("按《经营范围规范表述目录》填写"),
        number("registered_capital", "注册资本（开办资金，万元）", false)
            .required()
            .min(Limit::Number(0.0)),
    ]);
    if !founding {
        fields.push(
            date("established_on", "成立日期")
                .required()
                .min(date_limit("1949-10-01")),
        );
    }
    fields.push(
        text("contact_name", "联系人姓名", 50)
            .required()
            .prefill(PrefillSource::ProfileName),
    );
    fields
}

/// Whether someone else may apply for the applicant. Marriage, divorce
/// and adoption registration need the parties in person.
pub(super) fn delegable(item: &Item) -> bool {
    !["结婚登记", "离婚登记", "收养登记"].contains(&item.name)
}

/// `apply_by_agent` and the agent's details, shown and required only when
/// an agent applies. The forms model has no yes/no kind, so the answer is
/// a choice whose values are `"no"` and `"yes"`.
pub(super) fn agent(item: &Item) -> Vec<FieldSpec> {
    let own = match item.audience {
        Aud::P => "本人办理",
        Aud::L => "本单位办理",
        Aud::B => "本人（本单位）办理",
    };
    vec![
        single_choice(
            "apply_by_agent",
            "办理方式",
            &[("no", own), ("yes", "委托代理人办理")],
        )
        .help("委托他人办理的，还需上传授权委托书"),
        text("agent_name", "代理人姓名", 50)
            .required()
            .shown_when("apply_by_agent", "yes"),
        id_number("agent_id_number", "代理人公民身份号码")
            .required()
            .shown_when("apply_by_agent", "yes"),
        mobile("agent_mobile", "代理人手机号码")
            .required()
            .shown_when("apply_by_agent", "yes"),
    ]
}

pub(super) fn remarks() -> FieldSpec {
    text("remarks", "备注", 500).help("需要向窗口说明的其他情况")
}
