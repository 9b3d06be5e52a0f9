//! Mainland mobile numbers: 11 digits, `1` then `3`–`9`.

/// Whether `phone` is a mainland mobile number such as `13800000000`.
/// No spaces, no `+86`: the API takes the bare 11 digits.
pub fn is_mobile_number(phone: &str) -> bool {
    let bytes = phone.as_bytes();
    bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && bytes.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mobile_numbers() {
        for phone in ["13800000000", "19912345678", "15087654321"] {
            assert!(is_mobile_number(phone), "{phone}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for phone in [
            "",
            "1380000000",
            "138000000000",
            "12800000000",
            "23800000000",
            "1380000000a",
            "+8613800000000",
            "138 0000 0000",
            "１３８００００００００",
        ] {
            assert!(!is_mobile_number(phone), "{phone}");
        }
    }
}
