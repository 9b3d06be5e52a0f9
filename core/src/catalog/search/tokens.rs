//! How guide text becomes index tokens, and how a query word becomes an
//! FTS5 phrase over the same tokens.
//!
//! Chinese has no spaces, and people search with one- and two-character
//! words (税, 社保), so every run of Chinese characters is indexed as its
//! overlapping character bigrams plus the run's last character alone:
//! 营业执照 → 营业 业执 执照 照. A query of two or more characters is then the
//! phrase of its bigrams, which matches exactly where the query occurs as a
//! substring; one character is a prefix query (served by the index's
//! two-character prefix index). Runs of ASCII letters and digits are words.
//! Every token carries a one-letter field prefix (`n` name, `k` materials
//! and conditions, `b` the rest) so the fields live in one FTS5 column but
//! keep separate posting lists: a name-only query never reads the body's.
//! docs/decisions/0002-guide-search.md has the measurements behind this.

/// Where a piece of guide text sits, for ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Name,
    /// Materials and conditions: what to bring and who may apply.
    Key,
    /// Everything else: department, steps, fees, places, legal basis.
    Body,
}

impl Field {
    pub(crate) const ALL: [Field; 3] = [Field::Name, Field::Key, Field::Body];

    fn prefix(self) -> char {
        match self {
            Field::Name => 'n',
            Field::Key => 'k',
            Field::Body => 'b',
        }
    }
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Full-width letters and digits (ＡＢＣ１２３) read as ASCII; ASCII is lower-cased.
pub(crate) fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    };
    c.to_ascii_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Bigram(char, char),
    /// The last character of a Chinese run.
    RunEnd(char),
    Word(String),
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut prev_cjk: Option<char> = None;
    let mut word = String::new();
    for c in text.chars().map(fold) {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            if let Some(p) = prev_cjk {
                out.push(Token::Bigram(p, c));
            }
            prev_cjk = Some(c);
        } else {
            if let Some(p) = prev_cjk.take() {
                out.push(Token::RunEnd(p));
            }
            if c.is_ascii_alphanumeric() {
                word.push(c);
            } else {
                flush_word(&mut word, &mut out);
            }
        }
    }
    if let Some(p) = prev_cjk {
        out.push(Token::RunEnd(p));
    }
    flush_word(&mut word, &mut out);
    out
}

fn flush_word(word: &mut String, out: &mut Vec<Token>) {
    if !word.is_empty() {
        out.push(Token::Word(std::mem::take(word)));
    }
}

fn push_token(out: &mut String, field: Field, token: &Token) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push(field.prefix());
    match token {
        Token::Bigram(a, b) => {
            out.push(*a);
            out.push(*b);
        }
        Token::RunEnd(c) => out.push(*c),
        Token::Word(w) => out.push_str(w),
    }
}

/// Appends the index tokens of `text` (space-separated) to `out`.
pub(crate) fn index_text(text: &str, field: Field, out: &mut String) {
    for token in tokens(text) {
        push_token(out, field, &token);
    }
}

/// The FTS5 phrase matching `word` as a substring of `field`'s text, or
/// `None` when the word has nothing searchable (only punctuation).
///
/// The query's last Chinese run may continue in the text, so its run-end
/// token is dropped (its bigrams already pin it down), and a last run of a
/// single character, like a last ASCII word, becomes a prefix.
pub(crate) fn phrase(word: &str, field: Field) -> Option<String> {
    let mut toks = tokens(word);
    let prefix = match toks.as_slice() {
        [] => return None,
        [.., Token::Bigram(_, b), Token::RunEnd(c)] if b == c => {
            toks.pop();
            false
        }
        [.., Token::RunEnd(_) | Token::Word(_)] => true,
        _ => false,
    };
    let mut inner = String::new();
    for token in &toks {
        push_token(&mut inner, field, token);
    }
    Some(if prefix {
        format!("\"{inner}\" *")
    } else {
        format!("\"{inner}\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexed(text: &str) -> String {
        let mut out = String::new();
        index_text(text, Field::Name, &mut out);
        out
    }

    #[test]
    fn chinese_runs_become_bigrams_and_a_run_end() {
        assert_eq!(indexed("营业执照"), "n营业 n业执 n执照 n照");
        assert_eq!(indexed("税"), "n税");
        assert_eq!(
            indexed("承诺3个工作日（内）"),
            "n承诺 n诺 n3 n个工 n工作 n作日 n日 n内"
        );
        assert_eq!(indexed("ICP许可 ＡＢ１"), "nicp n许可 n可 nab1");
    }

    #[test]
    fn query_phrases() {
        assert_eq!(
            phrase("营业执照", Field::Name).unwrap(),
            "\"n营业 n业执 n执照\""
        );
        assert_eq!(phrase("社保", Field::Key).unwrap(), "\"k社保\"");
        assert_eq!(phrase("税", Field::Body).unwrap(), "\"b税\" *");
        assert_eq!(phrase("诺3", Field::Body).unwrap(), "\"b诺 b3\" *");
        assert_eq!(
            phrase("3个工作日", Field::Body).unwrap(),
            "\"b3 b个工 b工作 b作日\""
        );
        assert_eq!(phrase("（）", Field::Name), None);
    }
}
