//! Unified social credit codes, GB 32100-2015 (统一社会信用代码).
//!
//! 18 characters from the code's own 31-character alphabet (digits and the
//! capital letters without I, O, Z, S and V). The last one is a check
//! character: with each character's value (its index in the alphabet) and
//! the weights 3^i mod 31, `C18 = 31 - (sum mod 31)`, where 31 is written `0`.

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters of the code's alphabet.
    Format,
    /// The last character doesn't match the check.
    CheckCharacter,
}

impl std::fmt::Display for UsccError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UsccError::Format => {
                "a unified social credit code is 18 digits and capital letters other than I, O, Z, S and V"
            }
            UsccError::CheckCharacter => "the code's check character is wrong",
        })
    }
}

impl std::error::Error for UsccError {}

/// Validates a code, returning it in canonical (upper-case) form; lower-case
/// letters are accepted.
pub fn check_uscc(input: &str) -> Result<String, UsccError> {
    let canonical = input.to_ascii_uppercase();
    let values: Vec<u32> = canonical
        .bytes()
        .map(value_of)
        .collect::<Option<_>>()
        .ok_or(UsccError::Format)?;
    if values.len() != 18 {
        return Err(UsccError::Format);
    }
    let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let expected = (31 - sum % 31) % 31;
    if values[17] == expected {
        Ok(canonical)
    } else {
        Err(UsccError::CheckCharacter)
    }
}

fn value_of(byte: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&c| c == byte)
        .and_then(|index| u32::try_from(index).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut weight = 1;
        for expected in WEIGHTS {
            assert_eq!(weight, expected);
            weight = weight * 3 % 31;
        }
    }

    #[test]
    fn published_codes_pass() {
        for code in [
            "91350100M000100Y43",
            "91110000600037341L",
            "91110108551385082Q",
            "91310000775785552L",
            "91440300708461136T",
        ] {
            assert_eq!(check_uscc(code).as_deref(), Ok(code));
        }
        assert_eq!(
            check_uscc("91350100m000100y43").as_deref(),
            Ok("91350100M000100Y43")
        );
    }

    #[test]
    fn codes_checked_against_the_algorithm() {
        // Computed with the weights above: the check value of
        // 91110000802100433 is 11, written B.
        assert!(check_uscc("91110000802100433B").is_ok());
        // 911100001000013429 looks like a code but fails: the check value of
        // its first 17 characters is 12, written C, not 9.
        assert_eq!(
            check_uscc("911100001000013429"),
            Err(UsccError::CheckCharacter)
        );
        assert!(check_uscc("91110000100001342C").is_ok());
    }

    #[test]
    fn one_changed_character_fails() {
        for code in [
            "91350100M000100Y44",
            "91350100M000100Y53",
            "92350100M000100Y43",
            "91110000600037341M",
            "91110000600037342L",
        ] {
            assert_eq!(check_uscc(code), Err(UsccError::CheckCharacter), "{code}");
        }
    }

    #[test]
    fn letters_outside_the_alphabet_and_bad_lengths_are_format_errors() {
        for code in [
            "",
            "91350100M000100Y4",
            "91350100M000100Y433",
            "91350100I000100Y43",
            "91350100O000100Y43",
            "91350100Z000100Y43",
            "91350100S000100Y43",
            "91350100V000100Y43",
            "91350100-000100Y43",
        ] {
            assert_eq!(check_uscc(code), Err(UsccError::Format), "{code}");
        }
    }
}
