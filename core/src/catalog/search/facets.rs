//! The things guides are filtered and browsed by, as short strings. Each is
//! stored twice: in `guide_facets` (for counts) and as an index token
//! (`f` + facet) so a search filters inside FTS5 instead of after it.

use crate::catalog::guides::model::Guide;

/// The facets of one guide.
pub(crate) fn facets_of(guide: &Guide) -> Vec<String> {
    let mut out = Vec::new();
    for code in &guide.region_codes {
        // `a`: the guide applies exactly here (for the user's-region
        // preference); `r`: it lies within (for the region filter).
        out.push(format!("a{code}"));
        for within in region_and_ancestors(code) {
            out.push(format!("r{within}"));
        }
    }
    out.push(department(&guide.department_code));
    for theme in &guide.themes {
        out.push(theme_facet(theme));
    }
    for audience in &guide.audiences {
        out.push(audience.facet().to_owned());
    }
    out.push(format!("o{}", guide.online_depth));
    out.sort();
    out.dedup();
    out
}

pub(crate) fn department(code: &str) -> String {
    format!(
        "d{}",
        code.replace(|c: char| !c.is_ascii_alphanumeric(), "")
    )
}

pub(crate) fn theme_facet(theme: &str) -> String {
    format!("t{}", theme.replace(|c: char| !c.is_alphanumeric(), ""))
}

/// A GB/T 2260 code and the codes of the prefecture and province above it:
/// 530102 → 530102, 530100, 530000.
pub(crate) fn region_and_ancestors(code: &str) -> Vec<String> {
    let mut out = vec![code.to_owned()];
    if code.len() == 6 && code.is_ascii() {
        let prefecture = format!("{}00", &code[..4]);
        let province = format!("{}0000", &code[..2]);
        for up in [prefecture, province] {
            if !out.contains(&up) {
                out.push(up);
            }
        }
    }
    out
}

/// The index token of a facet.
pub(crate) fn token(facet: &str) -> String {
    format!("f{facet}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors() {
        assert_eq!(
            region_and_ancestors("530102"),
            ["530102", "530100", "530000"]
        );
        assert_eq!(region_and_ancestors("530100"), ["530100", "530000"]);
        assert_eq!(region_and_ancestors("530000"), ["530000"]);
        assert_eq!(department("530100-sj"), "d530100sj");
    }
}
