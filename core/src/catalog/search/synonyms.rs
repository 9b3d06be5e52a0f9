//! Words people use for the same thing. A query word containing one member
//! of a group also searches for the word with each other member in its
//! place: 社保卡 also finds 社会保障卡, 户口迁移 also finds 户籍迁移.

const GROUPS: &[&[&str]] = &[
    &["身份证", "居民身份证"],
    &["户口", "户籍", "落户"],
    &["社保", "社会保险", "社会保障"],
    &["医保", "医疗保险", "医疗保障"],
    &["公积金", "住房公积金"],
    &["驾照", "驾驶证"],
    &["行驶证", "机动车行驶证"],
    &["房产证", "不动产权证书", "不动产"],
    &["出生证", "出生医学证明"],
    &["结婚", "婚姻登记"],
    &["离婚", "婚姻登记"],
    &["残疾证", "残疾人证"],
    &["低保", "最低生活保障"],
    &["养老金", "养老保险"],
    &["开公司", "企业开办", "设立登记"],
    &["个税", "个人所得税"],
    &["护照", "出入境证件"],
    &["准生证", "生育登记"],
];

/// Every term of every group (for the pinyin vocabulary).
pub(crate) fn all_terms() -> impl Iterator<Item = &'static str> {
    GROUPS.iter().flat_map(|g| g.iter().copied())
}

/// `word` and its variants with synonyms swapped in (at most a dozen).
pub(crate) fn expand(word: &str) -> Vec<String> {
    let mut out = vec![word.to_owned()];
    for group in GROUPS {
        for member in group.iter().filter(|m| word.contains(**m)) {
            for other in group.iter().filter(|o| *o != member) {
                let variant = word.replacen(member, other, 1);
                if !out.contains(&variant) {
                    out.push(variant);
                }
            }
        }
    }
    out.truncate(12);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_inside_words() {
        let v = expand("户口迁移");
        assert!(v.contains(&"户籍迁移".to_owned()) && v.contains(&"落户迁移".to_owned()));
        assert!(expand("社保卡").contains(&"社会保障卡".to_owned()));
        assert_eq!(expand("营业执照"), ["营业执照"]);
    }
}
