//! Chinese search over the offline guide catalog: one- and two-character
//! words, phrases, several words, full pinyin and initials, synonyms; ranked
//! name first, then materials and conditions, then the rest, the user's
//! region first within each; filtered by region, department, theme,
//! audience and online depth; with highlighted snippets. The design and its
//! measurements: docs/decisions/0002-guide-search.md.

pub(crate) mod facets;
pub(crate) mod pinyin;
mod plan;
mod snippet;
mod synonyms;
pub(crate) mod tokens;

use rusqlite::{Connection, OptionalExtension};

use crate::catalog::guides::model::{Audience, Guide};
use crate::error::{Error, Result};
pub(crate) use pinyin::PinyinVocabulary;

/// Every synonym term, for the pinyin vocabulary.
pub(crate) fn synonym_terms() -> impl Iterator<Item = &'static str> {
    synonyms::all_terms()
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The most results one page can hold.
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SearchRequest {
    /// What the user typed; empty to browse by the filters alone.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query: String,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub filters: GuideFilters,
    /// The user's region (GB/T 2260): guides that apply there come first.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub prefer_region_code: Option<String>,
    /// `next_page_token` of the previous page, for the page after it.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page_token: Option<String>,
    /// Results per page, 1 to 100 (20 when 0).
    #[cfg_attr(feature = "uniffi", uniffi(default = 20))]
    pub limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GuideFilters {
    /// Guides of this region or any region inside it.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub region_code: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub department_code: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub theme: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub audience: Option<Audience>,
    /// Only guides at least this far online (0 information only … 4 fully online).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub min_online_depth: Option<u8>,
}

/// Where a result matched, best first; results come in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MatchedIn {
    /// The name starts with a query word.
    NameStart,
    Name,
    MaterialsOrConditions,
    Body,
    /// No query words: the filters alone chose it.
    Filters,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TextSpan {
    pub text: String,
    pub highlighted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SearchHit {
    pub code: String,
    pub name: String,
    pub name_spans: Vec<TextSpan>,
    pub department_name: String,
    pub region_codes: Vec<String>,
    pub online_depth: u8,
    pub matched_in: MatchedIn,
    pub in_preferred_region: bool,
    pub snippet: Vec<TextSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Pass back in `SearchRequest::page_token` for more; None at the end.
    pub next_page_token: Option<String>,
}

fn check_region(field: &str, code: &Option<String>) -> Result<()> {
    match code {
        Some(c) if c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit()) => Err(
            Error::invalid_input(format!("{field} must be a six-digit GB/T 2260 code")),
        ),
        _ => Ok(()),
    }
}

/// Where a page starts: a segment of the plan and the last index row seen.
fn parse_page_token(token: Option<&str>) -> Result<(usize, i64)> {
    let Some(token) = token else {
        return Ok((0, 0));
    };
    token
        .strip_prefix('p')
        .and_then(|rest| rest.split_once('.'))
        .and_then(|(seg, row)| Some((seg.parse().ok()?, row.parse().ok()?)))
        .ok_or_else(|| Error::invalid_input("page_token is not one this catalog handed out"))
}

/// The query's words, checked; `true` when one of them may be pinyin (so
/// the caller fetches the vocabulary).
pub(crate) fn prepare(request: &SearchRequest) -> Result<(Vec<String>, bool)> {
    if request.query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid_input(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    if request.limit > MAX_PAGE_SIZE {
        return Err(Error::invalid_input(format!(
            "limit must be at most {MAX_PAGE_SIZE}"
        )));
    }
    check_region("filters.region_code", &request.filters.region_code)?;
    check_region("prefer_region_code", &request.prefer_region_code)?;
    parse_page_token(request.page_token.as_deref())?;
    let words = plan::split_words(&request.query);
    let pinyin = words.iter().any(|w| pinyin::looks_like_pinyin(w));
    Ok((words, pinyin))
}

/// Whether an expression matches any guide (one posting is enough).
fn has_any(conn: &Connection, expression: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM guide_index WHERE guide_index MATCH ?1 LIMIT 1")?
        .query_row([expression], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Runs a search on the catalog database.
pub(crate) fn run(
    conn: &Connection,
    request: &SearchRequest,
    words: Vec<String>,
    vocabulary: Option<&PinyinVocabulary>,
) -> Result<SearchPage> {
    let limit = if request.limit == 0 {
        20
    } else {
        request.limit
    } as usize;
    let (first_segment, after_row) = parse_page_token(request.page_token.as_deref())?;
    let words = words
        .iter()
        .map(|w| plan::expand_word(w, vocabulary))
        .collect();
    let plan = plan::plan(
        words,
        &request.filters,
        request.prefer_region_code.as_deref(),
    );
    let mut found: Vec<(usize, i64)> = Vec::with_capacity(limit + 1);
    let mut statement = conn.prepare_cached(
        "SELECT rowid FROM guide_index WHERE guide_index MATCH ?1 AND rowid > ?2 \
         ORDER BY rowid LIMIT ?3",
    )?;
    let mut empty_group = None;
    // Only worth asking on a first page: a later page has already walked
    // past the user's region or found hits there.
    let skip_preferred = first_segment == 0
        && after_row == 0
        && plan
            .preferred_probe
            .as_ref()
            .is_some_and(|p| !has_any(conn, p).unwrap_or(true));
    for (index, segment) in plan.segments.iter().enumerate().skip(first_segment) {
        let need = limit + 1 - found.len();
        if need == 0 {
            break;
        }
        if empty_group == Some(segment.group) || (skip_preferred && segment.in_preferred_region) {
            continue;
        }
        let after = if index == first_segment { after_row } else { 0 };
        if let Some(probe) = segment.probe.as_ref().filter(|_| after == 0)
            && !has_any(conn, probe)?
        {
            empty_group = Some(segment.group);
            continue;
        }
        let rows = statement.query_map(
            rusqlite::params![segment.expression, after, need as i64],
            |r| r.get::<_, i64>(0),
        )?;
        for row in rows {
            found.push((index, row?));
        }
    }
    let next_page_token = (found.len() > limit).then(|| {
        let (segment, row) = found[limit - 1];
        format!("p{segment}.{row}")
    });
    found.truncate(limit);
    let needles: Vec<String> = plan
        .words
        .iter()
        .flat_map(|w| &w.alternatives)
        .map(|a| a.chars().map(tokens::fold).collect())
        .collect();
    let mut load = conn.prepare_cached("SELECT body FROM guides WHERE id = ?1")?;
    let mut hits = Vec::with_capacity(found.len());
    for (segment_index, row) in found {
        let Some(body) = load
            .query_row([row], |r| r.get::<_, String>(0))
            .optional()?
        else {
            continue;
        };
        let guide: Guide = serde_json::from_str(&body)
            .map_err(|e| Error::storage(format!("a stored guide does not parse: {e}")))?;
        let segment = &plan.segments[segment_index];
        hits.push(SearchHit {
            name_spans: snippet::name_spans(&guide.name, &needles),
            snippet: snippet::snippet(&guide, segment.matched_in, &needles),
            matched_in: segment.matched_in,
            in_preferred_region: segment.in_preferred_region,
            code: guide.code,
            name: guide.name,
            department_name: guide.department_name,
            region_codes: guide.region_codes,
            online_depth: guide.online_depth,
        });
    }
    Ok(SearchPage {
        hits,
        next_page_token,
    })
}
