//! Highlighted text for a result: the name with the query marked, and the
//! piece of the guide that matched, cut to a phone's line or two. Spans
//! rather than markup, so each shell styles them its own way.

use super::tokens::fold;
use super::{MatchedIn, TextSpan};
use crate::catalog::guides::model::Guide;

/// Characters of context shown before the first highlight.
const LEAD: usize = 10;
/// Longest snippet, in characters, before the ellipses.
const WIDTH: usize = 44;

fn key_lines(guide: &Guide) -> Vec<String> {
    let materials = guide.materials.iter().map(|m| format!("材料：{}", m.name));
    let conditions = guide.conditions.iter().map(|c| format!("条件：{c}"));
    materials.chain(conditions).collect()
}

fn body_lines(guide: &Guide) -> Vec<String> {
    let mut lines = vec![
        format!("部门：{}", guide.department_name),
        format!("类型：{}", guide.item_type),
    ];
    lines.extend(guide.themes.iter().map(|t| format!("主题：{t}")));
    lines.extend(guide.legal_basis.iter().map(|b| format!("依据：{b}")));
    lines.extend(
        guide
            .steps
            .iter()
            .map(|s| format!("{}：{}", s.name, s.description)),
    );
    lines.extend(guide.fees.iter().map(|f| {
        format!(
            "{}：{}元（{}）",
            f.name,
            f.amount_fen as f64 / 100.0,
            f.basis
        )
    }));
    for p in &guide.places {
        lines.push(format!("地点：{} {} {}", p.name, p.address, p.window));
        lines.push(format!("时间：{}", p.hours));
        lines.push(format!("电话：{}", p.phone));
    }
    lines
}

/// Which characters of `text` are inside an occurrence of a needle
/// (needles are folded: lower-case, full-width letters as ASCII).
fn marks(text: &[char], needles: &[String]) -> Vec<bool> {
    let mut marked = vec![false; text.len()];
    // Folding maps one character to one, so character positions agree.
    let folded: String = text.iter().map(|c| fold(*c)).collect();
    let mut char_at = vec![0; folded.len() + 1];
    for (i, (byte, _)) in folded.char_indices().enumerate() {
        char_at[byte] = i;
    }
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        let width = needle.chars().count();
        for (byte, _) in folded.match_indices(needle.as_str()) {
            let start = char_at[byte];
            marked[start..start + width].fill(true);
        }
    }
    marked
}

fn spans(text: &[char], marked: &[bool]) -> Vec<TextSpan> {
    let mut out: Vec<TextSpan> = Vec::new();
    for (c, m) in text.iter().zip(marked) {
        match out.last_mut() {
            Some(span) if span.highlighted == *m => span.text.push(*c),
            _ => out.push(TextSpan {
                text: c.to_string(),
                highlighted: *m,
            }),
        }
    }
    out
}

/// The name, highlighted.
pub(crate) fn name_spans(name: &str, needles: &[String]) -> Vec<TextSpan> {
    let chars: Vec<char> = name.chars().collect();
    let marked = marks(&chars, needles);
    spans(&chars, &marked)
}

/// The best line of the guide for this hit, cut around its first highlight.
pub(crate) fn snippet(guide: &Guide, matched_in: MatchedIn, needles: &[String]) -> Vec<TextSpan> {
    let (first, second) = match matched_in {
        MatchedIn::Body => (body_lines(guide), key_lines(guide)),
        _ => (key_lines(guide), body_lines(guide)),
    };
    let lines: Vec<Vec<char>> = first
        .iter()
        .chain(&second)
        .map(|l| l.chars().collect())
        .collect();
    for line in &lines {
        let marked = marks(line, needles);
        if let Some(at) = marked.iter().position(|m| *m) {
            return cut(line, &marked, at);
        }
    }
    // Nothing to highlight outside the name: show what to bring.
    let fallback: Vec<char> = guide
        .materials
        .iter()
        .map(|m| m.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
        .chars()
        .collect();
    let marked = vec![false; fallback.len()];
    cut(&fallback, &marked, 0)
}

fn cut(line: &[char], marked: &[bool], first_mark: usize) -> Vec<TextSpan> {
    let start = first_mark.saturating_sub(LEAD);
    let end = (start + WIDTH).min(line.len());
    let mut out = Vec::new();
    if start > 0 {
        out.push(TextSpan {
            text: "…".to_owned(),
            highlighted: false,
        });
    }
    out.extend(spans(&line[start..end], &marked[start..end]));
    if end < line.len() {
        out.push(TextSpan {
            text: "…".to_owned(),
            highlighted: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_every_occurrence_case_insensitively() {
        let needles = vec!["社保".to_owned(), "icp".to_owned()];
        let spans = name_spans("社保卡与ICP社保", &needles);
        let text: Vec<(&str, bool)> = spans
            .iter()
            .map(|s| (s.text.as_str(), s.highlighted))
            .collect();
        assert_eq!(text, [("社保", true), ("卡与", false), ("ICP社保", true)]);
    }
}
