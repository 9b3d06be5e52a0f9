//! The cursor of a change feed (the catalog's and the applications'): how
//! it is read from and written into a query string, where the next page
//! starts, and the 410 `cursor-expired` answer.
//!
//! Cursors are opaque to clients. `c<seq>` means "caught up to seq". Inside
//! a full pass (one that began without a cursor) the pages hand out
//! `f<seq>.<watermark>`: a pass needs no tombstones from before it began (the
//! client drops what the pass did not bring), so its cursor stays valid
//! below the watermark — unless a compaction happened since the pass began,
//! which may have dropped a tombstone of something the pass already sent.
//! The last page of a pass answers a `c` cursor.

use crate::problem::{Problem, ProblemKind};

/// Where a client stands in a change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cursor {
    /// No cursor: a full pass from the beginning.
    Start,
    /// `c<seq>`: caught up to `seq` once; only later changes are needed.
    /// Expires when a compaction drops tombstones after it.
    Since(i64),
    /// `f<seq>.<watermark>`: part-way through a full pass that began when
    /// the compaction watermark was `watermark`.
    FullPass { after: i64, watermark: i64 },
}

/// Where a page starts: after which seq, and the watermark of the full
/// pass it belongs to (`None` outside a pass).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageStart {
    pub(crate) after: i64,
    pub(crate) pass: Option<i64>,
}

impl Cursor {
    /// Where the page for this cursor starts, given the newest seq handed
    /// out (`latest`) and the current compaction watermark; `None` when the
    /// cursor has expired (below the watermark, its pass began before a
    /// compaction, or beyond any seq handed out).
    pub(crate) fn start(self, latest: i64, watermark: i64) -> Option<PageStart> {
        match self {
            Cursor::Start => Some(PageStart {
                after: 0,
                pass: Some(watermark),
            }),
            Cursor::Since(after) if after < watermark || after > latest => None,
            Cursor::Since(after) => Some(PageStart { after, pass: None }),
            Cursor::FullPass {
                after,
                watermark: began,
            } if began < watermark || after > latest => None,
            Cursor::FullPass {
                after,
                watermark: began,
            } => Some(PageStart {
                after,
                pass: Some(began),
            }),
        }
    }

    /// The cursor a page hands out. A page with more to come points at its
    /// last change (`page_end`), inside its pass if it has one. A page that
    /// ends the feed names everything handed out so far (`latest`), so the
    /// cursor stays valid after a compaction right now.
    pub(crate) fn after_page(start: PageStart, has_more: bool, page_end: i64, latest: i64) -> Self {
        match (has_more, start.pass) {
            (true, Some(watermark)) => Cursor::FullPass {
                after: page_end,
                watermark,
            },
            (true, None) => Cursor::Since(page_end),
            (false, _) => Cursor::Since(latest.max(start.after)),
        }
    }

    /// Reads a `cursor` query parameter; absent or empty starts a full pass.
    pub(crate) fn parse(cursor: Option<&str>) -> Result<Self, Problem> {
        let parsed = match cursor {
            None | Some("") => Some(Cursor::Start),
            Some(text) => {
                if let Some(rest) = text.strip_prefix('c') {
                    seq(rest).map(Cursor::Since)
                } else if let Some(rest) = text.strip_prefix('f') {
                    rest.split_once('.').and_then(|(after, watermark)| {
                        Some(Cursor::FullPass {
                            after: seq(after)?,
                            watermark: seq(watermark)?,
                        })
                    })
                } else {
                    None
                }
            }
        };
        parsed.ok_or_else(|| {
            Problem::bad_request("cursor is malformed; use a next_cursor the server sent, or none.")
        })
    }

    /// The text a client sends back as `cursor`.
    pub(crate) fn format(self) -> String {
        match self {
            Cursor::Start => String::new(),
            Cursor::Since(seq) => format!("c{seq}"),
            Cursor::FullPass { after, watermark } => format!("f{after}.{watermark}"),
        }
    }
}

/// A number of at most 18 digits (no sign, no spaces), so it fits an i64.
fn seq(digits: &str) -> Option<i64> {
    (!digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Reads a `limit` query parameter: absent or empty is `default`, otherwise
/// 1 to `max`.
pub(crate) fn parse_limit(
    limit: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, Problem> {
    match limit {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Problem::bad_request(format!("limit must be 1 to {max}."))),
    }
}

/// 410 `cursor-expired`, with what the client should do instead.
pub(crate) fn expired(detail: &'static str) -> Problem {
    Problem::new(ProblemKind::CursorExpired, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format() {
        assert_eq!(Cursor::parse(None).unwrap(), Cursor::Start);
        assert_eq!(Cursor::parse(Some("")).unwrap(), Cursor::Start);
        assert_eq!(Cursor::parse(Some("c0")).unwrap(), Cursor::Since(0));
        assert_eq!(Cursor::parse(Some("c42")).unwrap(), Cursor::Since(42));
        assert_eq!(
            Cursor::parse(Some("f42.7")).unwrap(),
            Cursor::FullPass {
                after: 42,
                watermark: 7
            }
        );
        for cursor in [
            Cursor::Since(3),
            Cursor::FullPass {
                after: 9,
                watermark: 2,
            },
        ] {
            assert_eq!(Cursor::parse(Some(&cursor.format())).unwrap(), cursor);
        }
        for bad in [
            "42",
            "c",
            "c-1",
            "cx",
            "c1234567890123456789",
            "C1",
            "f1",
            "f1.",
            "f.2",
            "f1.2.3",
        ] {
            assert!(Cursor::parse(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None, 200, 500).unwrap(), 200);
        assert_eq!(parse_limit(Some(""), 200, 500).unwrap(), 200);
        assert_eq!(parse_limit(Some("500"), 200, 500).unwrap(), 500);
        for bad in ["0", "501", "-1", "x"] {
            assert!(parse_limit(Some(bad), 200, 500).is_err(), "{bad}");
        }
    }

    #[test]
    fn where_pages_start_and_what_they_hand_out() {
        // latest 50, watermark 10
        let start = Cursor::Start.start(50, 10).unwrap();
        assert_eq!(
            start,
            PageStart {
                after: 0,
                pass: Some(10)
            }
        );
        assert_eq!(Cursor::Since(9).start(50, 10), None);
        assert_eq!(Cursor::Since(51).start(50, 10), None);
        assert_eq!(
            Cursor::Since(10).start(50, 10),
            Some(PageStart {
                after: 10,
                pass: None
            })
        );
        // A pass that began at watermark 10 survives the watermark staying,
        // not a compaction that raised it.
        let in_pass = Cursor::FullPass {
            after: 5,
            watermark: 10,
        };
        assert_eq!(
            in_pass.start(50, 10),
            Some(PageStart {
                after: 5,
                pass: Some(10)
            })
        );
        assert_eq!(in_pass.start(50, 11), None);
        assert_eq!(
            Cursor::after_page(start, true, 20, 50),
            Cursor::FullPass {
                after: 20,
                watermark: 10
            }
        );
        let since = PageStart {
            after: 10,
            pass: None,
        };
        assert_eq!(Cursor::after_page(since, true, 20, 50), Cursor::Since(20));
        assert_eq!(Cursor::after_page(start, false, 20, 50), Cursor::Since(50));
    }
}
