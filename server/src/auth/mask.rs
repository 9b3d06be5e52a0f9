//! How personal data is shown to a token without `profile:full`.

/// `13812345678` → `138****5678`: the first 3 and last 4 digits.
pub(crate) fn phone(phone: &str) -> String {
    keep_ends(phone, 3, 4)
}

/// `530102199001011234` → `5301**********1234`: the first and last 4.
pub(crate) fn id_number(id: &str) -> String {
    keep_ends(id, 4, 4)
}

/// The first and last character, the middle masked: `张三丰` → `张*丰`,
/// `欧阳娜娜` → `欧**娜`. Two characters keep the first: `张三` → `张*`;
/// one is masked whole.
pub(crate) fn name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        _ => keep_ends(name, 1, 1),
    }
}

/// Keeps `head` and `tail` characters and stars every one between. Too
/// short to keep both ends: everything is starred.
fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut masked = String::with_capacity(value.len());
    masked.extend(&chars[..head]);
    masked.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    masked.extend(&chars[chars.len() - tail..]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(phone("13800000000"), "138****0000");
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(id_number("530102199001011234"), "5301**********1234");
        assert_eq!(id_number("11010519491231002X"), "1101**********002X");
        assert_eq!(name("张三丰"), "张*丰");
        assert_eq!(name("欧阳娜娜"), "欧**娜");
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("买买提·艾力"), "买****力");
        assert_eq!(name("张"), "*");
        assert_eq!(name(""), "");
        assert_eq!(keep_ends("1234", 3, 4), "****");
    }
}
