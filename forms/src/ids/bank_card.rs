//! Bank card numbers: 12–19 digits passing the Luhn (ISO/IEC 7812-1) check.

/// Why a card number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankCardError {
    /// Not 12–19 ASCII digits.
    Format,
    /// The Luhn check digit does not match.
    CheckDigit,
}

impl std::fmt::Display for BankCardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BankCardError::Format => "a card number is 12 to 19 digits",
            BankCardError::CheckDigit => "the card number's check digit is wrong",
        })
    }
}

impl std::error::Error for BankCardError {}

/// Validates a card number given as bare digits (no spaces or dashes).
pub fn check_bank_card(number: &str) -> Result<(), BankCardError> {
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BankCardError::Format);
    }
    if luhn_valid(number) {
        Ok(())
    } else {
        Err(BankCardError::CheckDigit)
    }
}

/// The Luhn check over ASCII digits: from the right, every second digit is
/// doubled (minus 9 when over 9); the sum must end in 0.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (index, byte) in digits.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return false;
        }
        let mut digit = u32::from(byte - b'0');
        if index % 2 == 1 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
    }
    !digits.is_empty() && sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_luhn_vectors() {
        // ISO/IEC 7812 worked example and well-known test card numbers.
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert_eq!(check_bank_card("4111111111111111"), Ok(()));
        assert_eq!(check_bank_card("6222021234567890128"), Ok(()));
    }

    #[test]
    fn one_changed_digit_fails() {
        assert_eq!(
            check_bank_card("4111111111111112"),
            Err(BankCardError::CheckDigit)
        );
        assert_eq!(
            check_bank_card("6222021234567890123"),
            Err(BankCardError::CheckDigit)
        );
    }

    #[test]
    fn format_is_checked_first() {
        for number in [
            "",
            "41111111111",
            "41111111111111111111",
            "4111 1111 1111 1111",
        ] {
            assert_eq!(
                check_bank_card(number),
                Err(BankCardError::Format),
                "{number}"
            );
        }
    }
}
