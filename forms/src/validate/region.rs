//! Region codes, GB/T 2260 (中华人民共和国行政区划代码).
//!
//! Only the shape is checked here: six digits starting with a province's
//! two. Whether a county code exists is a list that changes every year, and
//! this crate carries no data; the platform's region table is that list.

/// The first two digits of every province-level division: the 31 mainland
/// provinces, autonomous regions and municipalities, Taiwan (71), Hong Kong
/// (81) and Macao (82).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

pub(crate) fn is_region_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 6
        && bytes.iter().all(u8::is_ascii_digit)
        && PROVINCES.contains(&((bytes[0] - b'0') * 10 + (bytes[1] - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for code in ["530000", "530100", "530102", "110105", "820000"] {
            assert!(is_region_code(code), "{code}");
        }
        for code in [
            "",
            "53010",
            "5301020",
            "000000",
            "990000",
            "53010a",
            "５３０１０２",
        ] {
            assert!(!is_region_code(code), "{code}");
        }
    }
}
