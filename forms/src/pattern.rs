//! Field patterns, compiled one way for validation and for schema checks.

/// The anchored form of a field pattern: it must match the whole value, so
/// `[0-9]{6}` means six digits and nothing else, and a form's author needn't
/// remember `^…$`.
pub(crate) fn compile(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns_match_whole_values() {
        let digits = super::compile("[0-9]{6}").unwrap();
        assert!(digits.is_match("650000"));
        assert!(!digits.is_match("x650000"));
        assert!(!digits.is_match("6500001"));
        // Alternation stays inside the anchors.
        let either = super::compile("a|b").unwrap();
        assert!(!either.is_match("ab"));
        let chinese = super::compile("[一-龥·]{2,}").unwrap();
        assert!(chinese.is_match("阿依古丽·买买提"));
        assert!(!chinese.is_match("Zhang San"));
        assert!(super::compile("(").is_err());
    }
}
