//! Resident identity card numbers, GB 11643-1999 (公民身份号码).
//!
//! 18 characters: a 6-digit address code, an 8-digit birth date `YYYYMMDD`, a
//! 3-digit sequence code (odd for men, even for women) and a check character
//! computed with ISO 7064 MOD 11-2, where the value 10 is written `X`.

use crate::calendar::is_calendar_date;

/// Weights of the first 17 digits: 2^(17-i) mod 11 for i = 0..17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Birth years before this are refused; nobody alive was born earlier.
const EARLIEST_BIRTH_YEAR: u32 = 1850;

/// Why an ID number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    /// Not 17 digits followed by a digit or `X`.
    Format,
    /// Characters 7–14 are not a real calendar date (or one before 1850).
    BirthDate,
    /// The last character doesn't match the MOD 11-2 check.
    CheckDigit,
}

impl std::fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IdNumberError::Format => "an ID number is 17 digits followed by a digit or X",
            IdNumberError::BirthDate => "the ID number's birth date is not a valid date",
            IdNumberError::CheckDigit => "the ID number's check character is wrong",
        })
    }
}

impl std::error::Error for IdNumberError {}

/// A valid ID number, in canonical form (upper-case `X`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    canonical: String,
    birth_date: (u32, u32, u32),
}

impl IdNumber {
    /// The 18 characters, with an upper-case `X` if any.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// (year, month, day) of birth. It may still lie in the future: the
    /// validator has no clock, so callers that care compare it with today.
    pub fn birth_date(&self) -> (u32, u32, u32) {
        self.birth_date
    }
}

/// Validates an 18-character ID number; a lower-case `x` is accepted and
/// canonicalised.
pub fn check_id_number(input: &str) -> Result<IdNumber, IdNumberError> {
    let bytes = input.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X' || bytes[17] == b'x')
    {
        return Err(IdNumberError::Format);
    }
    let number = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let (year, month, day) = (number(6..10), number(10..12), number(12..14));
    if year < EARLIEST_BIRTH_YEAR || !is_calendar_date(year, month, day) {
        return Err(IdNumberError::BirthDate);
    }
    if bytes[17].to_ascii_uppercase() != check_character(&bytes[..17]) {
        return Err(IdNumberError::CheckDigit);
    }
    Ok(IdNumber {
        canonical: input.to_ascii_uppercase(),
        birth_date: (year, month, day),
    })
}

/// The MOD 11-2 check character of 17 ASCII digits.
fn check_character(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    match (12 - sum % 11) % 11 {
        10 => b'X',
        // 0..=9, so the cast can't truncate.
        value => b'0' + value as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vectors_pass() {
        // The worked example of GB 11643-1999 (check value 10, written X).
        let id = check_id_number("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), (1949, 12, 31));
        // Weighted sum 214, 214 mod 11 = 5, (12 - 5) mod 11 = 7.
        let id = check_id_number("110101199003074477").unwrap();
        assert_eq!(id.birth_date(), (1990, 3, 7));
        assert!(check_id_number("440308199901101512").is_ok());
    }

    #[test]
    fn the_standards_example_with_a_wrong_check_character_fails() {
        // 11010519491231002X is the GB 11643-1999 example; its first 17
        // digits give the check value 10 (X), so any digit there is wrong.
        for wrong in ["110105194912310021", "110105194912310029"] {
            assert_eq!(
                check_id_number(wrong),
                Err(IdNumberError::CheckDigit),
                "{wrong}"
            );
        }
        // Not a digit or X at all: a format error, not a check failure.
        assert_eq!(
            check_id_number("11010519491231002Y"),
            Err(IdNumberError::Format)
        );
    }

    #[test]
    fn lower_case_x_is_canonicalised() {
        let id = check_id_number("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn one_changed_character_fails_the_check() {
        for changed in [
            "11010519491231002Y",
            "110105194912310020",
            "11010519491231003X",
            "110101199003074478",
            "210101199003074477",
            "110101199003074417",
        ] {
            assert!(check_id_number(changed).is_err(), "{changed}");
        }
        assert_eq!(
            check_id_number("110101199003074478"),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn birth_date_must_exist() {
        // Same check digits would not matter: the date is checked first.
        for id in [
            "110101199002304470", // 30 February
            "110101199013014470", // month 13
            "110101199000014470", // month 0
            "110101199001004470", // day 0
            "110101190002294470", // 1900 was not a leap year
            "110101180001014470", // before 1850
        ] {
            assert_eq!(check_id_number(id), Err(IdNumberError::BirthDate), "{id}");
        }
        // 2000 was a leap year: 29 February 2000 is a date.
        assert_ne!(
            check_id_number("110101200002294470"),
            Err(IdNumberError::BirthDate)
        );
    }

    #[test]
    fn format_errors() {
        for id in [
            "",
            "11010519491231002",
            "11010519491231002X1",
            "1101051949123100XX",
            "11010519491231002Z",
            "１１０１０５１９４９１２３１００２Ｘ",
        ] {
            assert_eq!(check_id_number(id), Err(IdNumberError::Format), "{id}");
        }
    }
}
