//! Yunnan's administrative regions: the province, its 16 prefecture-level
//! divisions and 129 county-level ones, from `data/yunnan-regions.csv`.

const CSV: &str = include_str!("../../data/yunnan-regions.csv");
const HEADER: &str = "code,name,parent_code,level";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegionLevel {
    Province,
    Prefecture,
    County,
}

impl RegionLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Prefecture => "prefecture",
            RegionLevel::County => "county",
        }
    }

    fn parse(text: &str) -> Option<RegionLevel> {
        match text {
            "province" => Some(RegionLevel::Province),
            "prefecture" => Some(RegionLevel::Prefecture),
            "county" => Some(RegionLevel::County),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeedRegion {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) parent_code: Option<&'static str>,
    pub(crate) level: RegionLevel,
}

#[derive(Debug, thiserror::Error)]
#[error("yunnan-regions.csv line {line}: {reason}")]
pub(crate) struct CsvError {
    line: usize,
    reason: String,
}

/// Every region in file order. The file is plain (no quoting): names never
/// contain commas, and a line that doesn't have exactly four fields is an
/// error rather than a guess.
pub(crate) fn all() -> Result<Vec<SeedRegion>, CsvError> {
    let mut lines = CSV
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end()));
    match lines.next() {
        Some((_, header)) if header.trim_start_matches('\u{feff}') == HEADER => {}
        _ => {
            return Err(CsvError {
                line: 1,
                reason: format!("expected header {HEADER}"),
            });
        }
    }
    lines
        .filter(|(_, line)| !line.is_empty())
        .map(|(line, text)| parse_line(text).map_err(|reason| CsvError { line, reason }))
        .collect()
}

fn parse_line(text: &'static str) -> Result<SeedRegion, String> {
    let fields: Vec<&'static str> = text.split(',').collect();
    let [code, name, parent_code, level] = fields[..] else {
        return Err(format!("expected 4 fields, got {}", fields.len()));
    };
    if !is_region_code(code) {
        return Err(format!("bad code {code:?}"));
    }
    if name.is_empty() {
        return Err("empty name".to_owned());
    }
    let parent_code = match parent_code {
        "" => None,
        code if is_region_code(code) => Some(code),
        other => return Err(format!("bad parent_code {other:?}")),
    };
    let level = RegionLevel::parse(level).ok_or_else(|| format!("bad level {level:?}"))?;
    Ok(SeedRegion {
        code,
        name,
        parent_code,
        level,
    })
}

/// Six ASCII digits, the GB/T 2260 shape.
pub(crate) fn is_region_code(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_csv_has_the_expected_shape() {
        let regions = all().unwrap();
        assert_eq!(regions.len(), 146);
        let count = |level| regions.iter().filter(|r| r.level == level).count();
        assert_eq!(count(RegionLevel::Province), 1);
        assert_eq!(count(RegionLevel::Prefecture), 16);
        assert_eq!(count(RegionLevel::County), 129);
    }

    #[test]
    fn every_parent_exists_and_is_one_level_up() {
        let regions = all().unwrap();
        for region in &regions {
            let parent = region
                .parent_code
                .map(|code| regions.iter().find(|r| r.code == code).unwrap());
            let expected = match region.level {
                RegionLevel::Province => None,
                RegionLevel::Prefecture => Some(RegionLevel::Province),
                RegionLevel::County => Some(RegionLevel::Prefecture),
            };
            assert_eq!(parent.map(|p| p.level), expected, "{}", region.code);
        }
    }

    #[test]
    fn rejects_malformed_lines() {
        assert!(parse_line("530000,云南省,,province").is_ok());
        assert!(parse_line("53000,云南省,,province").is_err());
        assert!(parse_line("530000,,,province").is_err());
        assert!(parse_line("530000,云南省,x,province").is_err());
        assert!(parse_line("530000,云南省,,city").is_err());
        assert!(parse_line("530000,云南省,province").is_err());
    }
}
