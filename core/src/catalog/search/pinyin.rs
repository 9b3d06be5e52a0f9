//! Pinyin queries (shebao, yingyezhizhao, yyzz) turned into the Chinese
//! they stand for, using the catalog's own words as the vocabulary: guide
//! names, material names and the synonym terms. Every place where a
//! vocabulary entry's pinyin spells the query, syllable by syllable (the
//! last one may be half typed) or initial by initial, yields that stretch
//! of Chinese, which is then searched like any other word. Characters with
//! several readings (行 xing/hang) match under each.

use std::collections::HashSet;

use pinyin::ToPinyinMulti;

use super::tokens::is_cjk;

/// At most this many Chinese stretches stand in for one pinyin word.
const MAX_STRETCHES: usize = 64;

struct Entry {
    chars: Vec<char>,
    /// Plain readings of each character (empty for a non-Chinese one).
    readings: Vec<Vec<&'static str>>,
}

pub(crate) struct PinyinVocabulary {
    entries: Vec<Entry>,
}

impl PinyinVocabulary {
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut seen = HashSet::new();
        let entries = words
            .into_iter()
            .filter(|w| seen.insert(*w))
            .map(|w| {
                let chars: Vec<char> = w.chars().collect();
                let readings = chars.iter().map(|c| readings_of(*c)).collect();
                Entry { chars, readings }
            })
            .collect();
        Self { entries }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The Chinese stretches `query` (lower-case ASCII letters) spells,
    /// full-pinyin matches first.
    pub(crate) fn resolve(&self, query: &str) -> Vec<String> {
        let q = query.as_bytes();
        let mut found: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        let mut keep = |s: String, found: &mut Vec<String>| {
            if found.len() < MAX_STRETCHES && seen.insert(s.clone()) {
                found.push(s);
            }
        };
        for entry in &self.entries {
            for start in 0..entry.chars.len() {
                let mut ends = Vec::new();
                full_matches(entry, start, q, &mut ends);
                for end in ends {
                    keep(entry.chars[start..end].iter().collect(), &mut found);
                }
            }
        }
        if q.len() >= 2 {
            for entry in &self.entries {
                for start in 0..entry.chars.len() {
                    if initials_match(entry, start, q) {
                        keep(
                            entry.chars[start..start + q.len()].iter().collect(),
                            &mut found,
                        );
                    }
                }
            }
        }
        found
    }
}

fn readings_of(c: char) -> Vec<&'static str> {
    if !is_cjk(c) {
        return Vec::new();
    }
    let mut out: Vec<&'static str> = c
        .to_pinyin_multi()
        .map(|multi| multi.into_iter().map(|p| p.plain()).collect())
        .unwrap_or_default();
    out.dedup();
    out
}

/// Ends (exclusive) of the stretches starting at `at` whose syllables spell
/// `rest` exactly, the last syllable possibly cut short.
fn full_matches(entry: &Entry, at: usize, rest: &[u8], ends: &mut Vec<usize>) {
    if rest.is_empty() {
        ends.push(at);
        return;
    }
    let Some(readings) = entry.readings.get(at) else {
        return;
    };
    for reading in readings {
        let r = reading.as_bytes();
        if rest.starts_with(r) {
            full_matches(entry, at + 1, &rest[r.len()..], ends);
        } else if r.starts_with(rest) {
            ends.push(at + 1);
        }
    }
}

fn initials_match(entry: &Entry, start: usize, q: &[u8]) -> bool {
    start + q.len() <= entry.chars.len()
        && q.iter().enumerate().all(|(i, letter)| {
            entry.readings[start + i]
                .iter()
                .any(|r| r.as_bytes().first() == Some(letter))
        })
}

/// A query word that may be pinyin: ASCII letters only, at least two.
pub(crate) fn looks_like_pinyin(word: &str) -> bool {
    word.len() >= 2 && word.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> PinyinVocabulary {
        PinyinVocabulary::new(["营业执照设立登记", "社会保障卡申领", "社保", "银行"])
    }

    #[test]
    fn full_pinyin_initials_and_half_typed() {
        let v = vocab();
        assert_eq!(v.resolve("yingyezhizhao"), ["营业执照"]);
        assert!(v.resolve("yyzz").contains(&"营业执照".to_owned()));
        assert!(v.resolve("shebao").contains(&"社保".to_owned()));
        assert!(v.resolve("yingyezh").contains(&"营业执".to_owned()));
        // 行 reads xing and hang.
        assert!(v.resolve("yinhang").contains(&"银行".to_owned()));
        assert!(v.resolve("zzz").is_empty());
    }
}
