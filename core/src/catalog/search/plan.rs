//! A query turned into the ordered FTS5 expressions that produce its
//! ranked results: the name (starting with a word, then containing one),
//! materials or conditions, then the rest — each tier split into the
//! user's region first, then elsewhere. Within a segment results come in
//! index order, so a page needs only as many postings as it shows, and the
//! next page starts where this one stopped (keyset paging): no expression
//! ever scores or sorts every hit.

use super::facets::{self, region_and_ancestors};
use super::pinyin::{PinyinVocabulary, looks_like_pinyin};
use super::synonyms;
use super::tokens::{Field, fold, phrase};
use super::{GuideFilters, MatchedIn};

/// One query word and everything it may stand for.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    /// The text searched for: the word, its synonym variants, and for
    /// pinyin the Chinese it spells. Also what snippets highlight.
    pub(crate) alternatives: Vec<String>,
}

/// One step of the ranked walk.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) matched_in: MatchedIn,
    pub(crate) in_preferred_region: bool,
    pub(crate) expression: String,
    /// Segments of one tier share a group (name, key, body).
    pub(crate) group: usize,
    /// On a group's first segment: the whole tier, to ask once whether it
    /// has any hit at all. Many queries match no name (or no material), and
    /// one cheap "none" saves evaluating each of the tier's segments.
    pub(crate) probe: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) words: Vec<Word>,
    pub(crate) segments: Vec<Segment>,
    /// Does the user's region hold any hit at all? Asked once: when it does
    /// not (a search naming another region, 社保 大理 from Kunming), every
    /// "user's region first" segment is skipped instead of each scanning
    /// the whole match to find nothing.
    pub(crate) preferred_probe: Option<String>,
}

/// Splits a query into words: whitespace and punctuation separate them.
pub(crate) fn split_words(query: &str) -> Vec<String> {
    query
        .split(|c: char| {
            c.is_whitespace() || c == ',' || c == '，' || c == '、' || c == ';' || c == '；'
        })
        .map(|w| w.chars().map(fold).collect::<String>())
        .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
        .collect()
}

/// What one word may stand for. `vocabulary` is consulted only for words
/// that look like pinyin.
pub(crate) fn expand_word(word: &str, vocabulary: Option<&PinyinVocabulary>) -> Word {
    let mut alternatives = synonyms::expand(word);
    if looks_like_pinyin(word)
        && let Some(vocabulary) = vocabulary
    {
        for chinese in vocabulary.resolve(word) {
            for variant in synonyms::expand(&chinese) {
                if !alternatives.contains(&variant) {
                    alternatives.push(variant);
                }
            }
        }
    }
    Word { alternatives }
}

fn or(parts: impl IntoIterator<Item = String>) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(format!("({})", parts.join(" OR "))),
    }
}

fn and(parts: impl IntoIterator<Item = String>) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(format!("({})", parts.join(" AND "))),
    }
}

impl Word {
    /// The alternatives worth matching: one that contains another (居民身份证
    /// holds 身份证) can only match where the shorter one does, so it only
    /// costs FTS5 another posting list to merge. Snippets still highlight it.
    fn to_match(&self) -> impl Iterator<Item = &String> {
        self.alternatives.iter().filter(|a| {
            !self
                .alternatives
                .iter()
                .any(|b| b.len() < a.len() && a.contains(b.as_str()))
        })
    }

    /// The word in one field: any alternative's phrase.
    fn in_field(&self, field: Field) -> Option<String> {
        or(self.to_match().filter_map(|a| phrase(a, field)))
    }

    fn at_name_start(&self) -> Option<String> {
        // Here the longer alternative matters: 居民身份证 starting a name is
        // not 身份证 starting it.
        or(self
            .alternatives
            .iter()
            .filter_map(|a| phrase(a, Field::Name).map(|p| format!("^{p}"))))
    }

    fn anywhere(&self) -> Option<String> {
        or(Field::ALL.iter().filter_map(|f| self.in_field(*f)))
    }
}

fn quoted(facet: &str) -> String {
    format!("\"{}\"", facets::token(facet))
}

/// The filters as one FTS5 expression (None when there are none).
fn filter_expression(filters: &GuideFilters) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(region) = &filters.region_code {
        parts.push(quoted(&format!("r{region}")));
    }
    if let Some(department) = &filters.department_code {
        parts.push(quoted(&facets::department(department)));
    }
    if let Some(theme) = &filters.theme {
        parts.push(quoted(&facets::theme_facet(theme)));
    }
    if let Some(audience) = filters.audience {
        parts.push(quoted(audience.facet()));
    }
    if let Some(min) = filters.min_online_depth {
        parts.extend(or((min.min(4)..=4).map(|d| quoted(&format!("o{d}")))));
    }
    and(parts)
}

/// Matches every guide (each has exactly one online depth).
fn everything() -> String {
    or((0..=4).map(|d| quoted(&format!("o{d}")))).unwrap_or_default()
}

pub(crate) fn plan(words: Vec<Word>, filters: &GuideFilters, prefer_region: Option<&str>) -> Plan {
    let filter = filter_expression(filters);
    // With one word, each tier's own field expression already implies the
    // word matched; with several, every word must match somewhere too.
    // Leaving the redundant "anywhere" out of single-word tiers keeps FTS5
    // from merging the body's long posting lists for nothing.
    let restrict = if words.len() > 1 {
        and(words
            .iter()
            .filter_map(Word::anywhere)
            .chain(filter.clone()))
    } else {
        filter.clone()
    };
    let within = |expression: String| match &restrict {
        Some(r) => format!("({r} AND {expression})"),
        None => expression,
    };
    // (where it matched, expression, its tier group, the group's probe)
    let tiers: Vec<(MatchedIn, String, usize, Option<String>)> = if words.is_empty() {
        vec![(
            MatchedIn::Filters,
            filter.clone().unwrap_or_else(everything),
            0,
            None,
        )]
    } else {
        let name = or(words.iter().filter_map(|w| w.in_field(Field::Name)));
        let name_start = or(words.iter().filter_map(Word::at_name_start));
        let key = or(words.iter().filter_map(|w| w.in_field(Field::Key)));
        let body = or(words.iter().filter_map(|w| w.in_field(Field::Body)));
        let mut tiers = Vec::new();
        match (&name, &name_start) {
            // "Starts with" ranks one word's hits; with several words the
            // extra pass costs more than it sorts.
            (Some(name), Some(name_start)) if words.len() == 1 => {
                tiers.push((
                    MatchedIn::NameStart,
                    within(name_start.clone()),
                    0,
                    Some(within(name.clone())),
                ));
                tiers.push((
                    MatchedIn::Name,
                    format!("{} NOT {name_start}", within(name.clone())),
                    0,
                    None,
                ));
            }
            // Several words: a probe would cost as much as the segment it
            // saves (the all-words condition dominates), so none.
            (Some(name), _) => tiers.push((MatchedIn::Name, within(name.clone()), 0, None)),
            _ => {}
        }
        let not_name = name
            .as_ref()
            .map(|n| format!(" NOT {n}"))
            .unwrap_or_default();
        if let Some(key) = &key {
            let expression = format!("{}{not_name}", within(key.clone()));
            let probe = (words.len() == 1).then(|| expression.clone());
            tiers.push((MatchedIn::MaterialsOrConditions, expression, 1, probe));
        }
        let earlier = or(name.into_iter().chain(key));
        let not_earlier = earlier.map(|e| format!(" NOT {e}")).unwrap_or_default();
        // Several words: all matched, none in the name or key fields.
        let rest = if words.len() > 1 {
            restrict.clone()
        } else {
            body.map(&within)
        };
        if let Some(rest) = rest {
            tiers.push((MatchedIn::Body, format!("{rest}{not_earlier}"), 2, None));
        }
        tiers
    };
    let preferred = prefer_region.and_then(|region| {
        or(region_and_ancestors(region)
            .iter()
            .map(|code| quoted(&format!("a{code}"))))
    });
    // Name matches form one tier for the region preference: the user's
    // region's names (starting with the word, then containing it) before
    // any other region's.
    let mut segments = Vec::new();
    let mut pending_other = Vec::new();
    for (matched_in, expression, group, probe) in tiers {
        let Some(pref) = &preferred else {
            segments.push(Segment {
                matched_in,
                in_preferred_region: false,
                expression,
                group,
                probe,
            });
            continue;
        };
        segments.push(Segment {
            matched_in,
            in_preferred_region: true,
            expression: format!("({expression}) AND {pref}"),
            group,
            probe,
        });
        pending_other.push(Segment {
            matched_in,
            in_preferred_region: false,
            expression: format!("({expression}) NOT {pref}"),
            group,
            probe: None,
        });
        if matched_in != MatchedIn::NameStart {
            segments.append(&mut pending_other);
        }
    }
    // Everything the query and the filters match.
    let matches_all = match words.len() {
        0 => filter.clone(),
        1 => and(words[0].anywhere().into_iter().chain(filter.clone())),
        _ => restrict.clone(),
    };
    let preferred_probe = preferred.as_ref().map(|pref| match &matches_all {
        Some(all) => format!("({all}) AND {pref}"),
        None => pref.clone(),
    });
    Plan {
        words,
        segments,
        preferred_probe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_spaces_and_punctuation() {
        assert_eq!(
            split_words(" 营业执照  昆明，ＡＢ "),
            ["营业执照", "昆明", "ab"]
        );
        assert!(split_words("（）  ").is_empty());
    }

    #[test]
    fn a_single_word_makes_four_tiers_split_by_region() {
        let words = vec![expand_word("社保", None)];
        let plan = plan(words, &GuideFilters::default(), Some("530102"));
        assert_eq!(plan.segments.len(), 8);
        assert!(plan.segments[0].expression.contains("^\"n社保\""));
        assert!(plan.segments[0].expression.contains("\"fa530100\""));
        assert!(
            plan.segments[0]
                .expression
                .contains("\"n社会 n会保 n保险\"")
        );
    }

    #[test]
    fn no_words_and_no_filters_browse_everything() {
        let plan = plan(Vec::new(), &GuideFilters::default(), None);
        assert_eq!(plan.segments.len(), 1);
        assert!(plan.segments[0].expression.contains("\"fo4\""));
    }
}
