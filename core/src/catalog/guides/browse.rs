//! Browsing the offline catalog by theme, department and region, with how
//! many guides each holds.

use rusqlite::Connection;

use crate::error::Result;

/// What to group guides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BrowseBy {
    Theme,
    Department,
    /// Regions, counting each guide in its region and every region above it.
    Region,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FacetCount {
    /// What to put in the matching `GuideFilters` field.
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Counts per group, optionally only among guides within one region.
pub(crate) fn counts(
    conn: &Connection,
    by: BrowseBy,
    within: Option<&str>,
) -> Result<Vec<FacetCount>> {
    let within = within.map(|r| format!("r{r}"));
    let rows = match by {
        BrowseBy::Theme => facet_counts(conn, 't', within.as_deref())?
            .into_iter()
            .map(|(value, count)| FacetCount {
                label: value.clone(),
                value,
                count,
            })
            .collect(),
        BrowseBy::Region => {
            let mut label = conn.prepare_cached("SELECT name FROM regions WHERE code = ?1")?;
            facet_counts(conn, 'r', within.as_deref())?
                .into_iter()
                .map(|(value, count)| {
                    let name: Option<String> = label.query_row([&value], |r| r.get(0)).ok();
                    FacetCount {
                        label: name.unwrap_or_else(|| value.clone()),
                        value,
                        count,
                    }
                })
                .collect()
        }
        BrowseBy::Department => conn
            .prepare_cached(
                "SELECT department_code, department_name, count(*) FROM guides \
                 WHERE ?1 IS NULL OR id IN (SELECT guide_id FROM guide_facets WHERE facet = ?1) \
                 GROUP BY department_code ORDER BY count(*) DESC, department_code",
            )?
            .query_map([within.as_deref()], |r| {
                Ok(FacetCount {
                    value: r.get(0)?,
                    label: r.get(1)?,
                    count: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

/// (facet value without its kind letter, count), most guides first.
fn facet_counts(conn: &Connection, kind: char, within: Option<&str>) -> Result<Vec<(String, u64)>> {
    let low = kind.to_string();
    let high = char::from_u32(kind as u32 + 1).unwrap_or(kind).to_string();
    let mut statement = conn.prepare_cached(
        "SELECT f.facet, count(*) FROM guide_facets f \
         WHERE f.facet >= ?1 AND f.facet < ?2 \
         AND (?3 IS NULL OR EXISTS (SELECT 1 FROM guide_facets w \
              WHERE w.guide_id = f.guide_id AND w.facet = ?3)) \
         GROUP BY f.facet ORDER BY count(*) DESC, f.facet",
    )?;
    let rows = statement
        .query_map(rusqlite::params![low, high, within], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(facet, count)| (facet[kind.len_utf8()..].to_owned(), count))
        .collect())
}
