//! Application numbers (办件编号): `YN`, the submission's date in China
//! (`yyyymmdd`) and eight random digits, e.g. `YN2026011503918274`. Random
//! rather than sequential, so a number says nothing about how many others
//! applied that day; unique because a taken one is drawn again.

use rand::Rng;
use rusqlite::{Connection, OptionalExtension};

use crate::clock::china_date;

const PREFIX: &str = "YN";

/// A number no stored application has, for a submission at `now_ms`. Call
/// it inside the transaction that inserts the application, so nothing can
/// take the number in between.
pub(crate) fn new_number(conn: &Connection, now_ms: i64) -> rusqlite::Result<String> {
    let (year, month, day) = china_date(now_ms);
    loop {
        let digits: u32 = rand::rng().random_range(0..100_000_000);
        let number = format!("{PREFIX}{year:04}{month:02}{day:02}{digits:08}");
        let taken = conn
            .prepare_cached("SELECT 1 FROM applications WHERE application_no = ?1")?
            .query_row([&number], |_| Ok(()))
            .optional()?
            .is_some();
        if !taken {
            return Ok(number);
        }
    }
}

/// Whether `text` has the shape of an application number; anything else
/// can't name one, so it isn't looked up.
pub(crate) fn is_well_formed(text: &str) -> bool {
    text.len() == 18
        && text.starts_with(PREFIX)
        && text[PREFIX.len()..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_date_in_china() {
        let conn = crate::db::open_in_memory();
        // 2026-01-14T16:30:00Z is already 15 January in Kunming.
        let number = new_number(&conn, 1_768_408_200_000).unwrap();
        assert!(number.starts_with("YN20260115"), "{number}");
        assert!(is_well_formed(&number));
        for bad in [
            "",
            "YN2026011512345",
            "XX202601151234567",
            "YN20260115123456x",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}
