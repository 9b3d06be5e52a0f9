//! What each licence type says about its holder: the claims the issuer
//! signs (as salted digests) and the holder may disclose one by one.
//! Signing adds a masked twin to identifying claims (`name_masked`, ...),
//! so a hotel desk can be shown "张*" and "5301**********1234" only.

use banshitong_trust::Claim;

/// What the platform knows about a licence's holder.
pub(crate) struct Holder<'a> {
    /// The licence's holder key: an ID number, or a company's credit code.
    pub(crate) holder: &'a str,
    /// The user's real name, from real-name verification.
    pub(crate) real_name: Option<&'a str>,
    /// The company's name, for a business licence.
    pub(crate) company_name: Option<&'a str>,
}

/// The claims of a licence of `licence_type` for `holder`.
pub(crate) fn claims_for(licence_type: &str, holder: &Holder<'_>) -> Vec<Claim> {
    let mut claims = Vec::new();
    if licence_type == super::issue::BUSINESS_LICENCE {
        if let Some(company) = holder.company_name {
            claims.push(Claim::new("company_name", company));
        }
        claims.push(Claim::new("uscc", holder.holder));
        if let Some(name) = holder.real_name {
            claims.push(Claim::new("legal_representative", name));
        }
    } else {
        if let Some(name) = holder.real_name {
            claims.push(Claim::new("name", name));
        }
        claims.push(Claim::new("id_number", holder.holder));
        if let Some(birth_date) = birth_date(holder.holder) {
            claims.push(Claim::new("birth_date", birth_date));
        }
        if let Some(sex) = sex(holder.holder) {
            claims.push(Claim::new("sex", sex));
        }
    }
    claims
}

/// `YYYY-MM-DD` from digits 7–14 of an 18-character ID number (GB 11643).
fn birth_date(id_number: &str) -> Option<String> {
    let digits = id_number.get(6..14)?;
    if id_number.len() != 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}",
        &digits[..4],
        &digits[4..6],
        &digits[6..]
    ))
}

/// 男 or 女 from the 17th character's parity (GB 11643: odd for men).
fn sex(id_number: &str) -> Option<&'static str> {
    let digit = id_number
        .as_bytes()
        .get(16)
        .filter(|b| b.is_ascii_digit())?;
    Some(if (digit - b'0') % 2 == 1 {
        "男"
    } else {
        "女"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(claims: &[Claim]) -> Vec<&str> {
        claims.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn an_id_card_says_who() {
        let claims = claims_for(
            "居民身份证",
            &Holder {
                holder: "11010519491231002X",
                real_name: Some("张三"),
                company_name: None,
            },
        );
        assert_eq!(names(&claims), ["name", "id_number", "birth_date", "sex"]);
        assert_eq!(claims[2], Claim::new("birth_date", "1949-12-31"));
        assert_eq!(claims[3], Claim::new("sex", "女"));
    }

    #[test]
    fn a_business_licence_names_the_company() {
        let claims = claims_for(
            "营业执照",
            &Holder {
                holder: "91350100M000100Y43",
                real_name: Some("张三"),
                company_name: Some("云南示例科技有限公司"),
            },
        );
        assert_eq!(
            names(&claims),
            ["company_name", "uscc", "legal_representative"]
        );
    }
}
