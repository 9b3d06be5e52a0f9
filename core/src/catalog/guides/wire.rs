//! What the platform sends for the guide catalog, checked before anything
//! touches the offline copy: a page that does not parse or breaks a rule is
//! refused whole, so the stored catalog never holds half of one.

use serde::Deserialize;

use super::model::Guide;
use crate::error::{Error, Result};

/// One page of `GET /api/v1/catalog/changes`.
#[derive(Debug, Deserialize)]
pub(crate) struct ChangesPage {
    pub(crate) upserts: Vec<Guide>,
    pub(crate) deletions: Vec<String>,
    pub(crate) next_cursor: String,
    pub(crate) has_more: bool,
    /// Changes left after this page, when the platform says.
    #[serde(default)]
    pub(crate) remaining: Option<u64>,
}

/// The snapshot document's format (`GET /api/v1/catalog/snapshot`, gunzipped;
/// read guide by guide in `snapshot_reader.rs`).
pub(crate) const SNAPSHOT_FORMAT: u32 = 1;

impl ChangesPage {
    pub(crate) fn parse(bytes: &[u8]) -> Result<ChangesPage> {
        let page: ChangesPage = serde_json::from_slice(bytes)
            .map_err(|e| Error::protocol(format!("catalog change page: {e}")))?;
        check_cursor(&page.next_cursor)?;
        for guide in &page.upserts {
            check_guide(guide)?;
        }
        for code in &page.deletions {
            check_code(code)?;
            if page.upserts.iter().any(|g| &g.code == code) {
                return Err(Error::protocol(format!(
                    "catalog change page both updates and deletes {code}"
                )));
            }
        }
        Ok(page)
    }
}

/// Cursors are opaque, but short printable ASCII (they go into a URL).
pub(crate) fn is_cursor(cursor: &str) -> bool {
    !cursor.is_empty()
        && cursor.len() <= 64
        && cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn check_cursor(cursor: &str) -> Result<()> {
    if !is_cursor(cursor) {
        return Err(Error::protocol("catalog cursor is empty or malformed"));
    }
    Ok(())
}

/// Codes go into URLs and index tokens: ASCII letters, digits and '-'.
pub(crate) fn is_guide_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn check_code(code: &str) -> Result<()> {
    if !is_guide_code(code) {
        return Err(Error::protocol(format!("guide code '{code}' is malformed")));
    }
    Ok(())
}

fn is_region_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn check_guide(guide: &Guide) -> Result<()> {
    check_code(&guide.code)?;
    let broken = |what: &str| {
        Err(Error::protocol(format!(
            "guide {} is malformed: {what}",
            guide.code
        )))
    };
    if guide.name.trim().is_empty() {
        return broken("no name");
    }
    if guide.region_codes.is_empty() || !guide.region_codes.iter().all(|c| is_region_code(c)) {
        return broken("region codes");
    }
    if guide.department_code.is_empty() {
        return broken("no department");
    }
    if guide.audiences.is_empty() {
        return broken("no audience");
    }
    if guide.online_depth > 4 {
        return broken("online depth above 4");
    }
    if guide.promised_time_limit_days > guide.legal_time_limit_days {
        return broken("promised time limit longer than the legal one");
    }
    if guide.revision == 0 {
        return broken("revision 0");
    }
    Ok(())
}
