//! Base45 (RFC 9285): the QR alphanumeric alphabet, 2 bytes → 3 characters.

use crate::error::{Result, TrustError};

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    for chunk in bytes.chunks(2) {
        let (mut n, digits) = match chunk {
            [a, b] => (usize::from(*a) * 256 + usize::from(*b), 3),
            [a] => (usize::from(*a), 2),
            _ => unreachable!("chunks(2) yields one or two bytes"),
        };
        for _ in 0..digits {
            out.push(char::from(ALPHABET[n % 45]));
            n /= 45;
        }
    }
    out
}

fn value_of(c: u8) -> Result<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
        .ok_or_else(|| {
            TrustError::Base45(format!(
                "character {:?} is not in the alphabet",
                char::from(c)
            ))
        })
}

pub fn decode(text: &str) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 3 == 1 {
        return Err(TrustError::Base45(format!(
            "length {} leaves one character over",
            bytes.len()
        )));
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for &c in chunk.iter().rev() {
            n = n * 45 + value_of(c)?;
        }
        match chunk.len() {
            3 if n <= 0xFFFF => out.extend_from_slice(&(n as u16).to_be_bytes()),
            2 if n <= 0xFF => out.push(n as u8),
            _ => {
                return Err(TrustError::Base45(format!(
                    "group {chunk:?} is out of range"
                )));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert!(decode("GGW").is_err(), "65535 < value is refused");
        assert!(decode("ab").is_err());
        assert!(decode("A").is_err());
    }

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for n in 0..data.len() {
            assert_eq!(decode(&encode(&data[..n])).unwrap(), &data[..n]);
        }
    }
}
