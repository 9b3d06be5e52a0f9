//! Masked twins of identifying claims, so a holder can show "张*" or
//! "5301**********1234" instead of the full value. The issuer signs the
//! masked form as a claim of its own (`<name>_masked`), so a verifier
//! trusts it exactly like the full one.

use crate::claims::{Claim, ClaimValue};

/// The suffix of a masked twin's claim name.
pub const MASKED_SUFFIX: &str = "_masked";

/// Claims that get a masked twin, with the function that masks them.
type Masker = fn(&str) -> String;

const MASKERS: [(&str, Masker); 3] = [
    ("id_number", mask_id_number),
    ("name", mask_name),
    ("mobile", mask_mobile),
];

/// Keeps the first `head` and last `tail` characters, stars in between;
/// a value too short to keep anything is all stars.
fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let stars = chars.len() - head - tail;
    chars[..head]
        .iter()
        .chain(std::iter::repeat_n(&'*', stars))
        .chain(chars[chars.len() - tail..].iter())
        .collect()
}

/// 530102199001011234 → 5301**********1234 (region kept, birth date hidden).
pub fn mask_id_number(value: &str) -> String {
    keep_ends(value, 4, 4)
}

/// 张三丰 → 张**: the family name only.
pub fn mask_name(value: &str) -> String {
    keep_ends(value, 1, 0)
}

/// 13812345678 → 138****5678, the usual Chinese mobile mask.
pub fn mask_mobile(value: &str) -> String {
    keep_ends(value, 3, 4)
}

/// Adds `<name>_masked` for each maskable text claim that has none yet.
pub fn add_masked_twins(claims: &mut Vec<Claim>) {
    let mut twins = Vec::new();
    for claim in claims.iter() {
        let Some((_, mask)) = MASKERS.iter().find(|(name, _)| *name == claim.name) else {
            continue;
        };
        let ClaimValue::Text(value) = &claim.value else {
            continue;
        };
        let twin_name = format!("{}{MASKED_SUFFIX}", claim.name);
        if !claims.iter().any(|c| c.name == twin_name) {
            twins.push(Claim::new(twin_name, mask(value)));
        }
    }
    claims.extend(twins);
}
