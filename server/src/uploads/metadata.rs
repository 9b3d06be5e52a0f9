//! `Upload-Metadata` (tus creation extension): comma-separated pairs of a
//! key and an optional base64 value, e.g.
//! `filename ZG9jLnBkZg==,filetype YXBwbGljYXRpb24vcGRm,sha256 …`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The longest `Upload-Metadata` accepted.
const MAX_HEADER_BYTES: usize = 4096;

/// The decoded pairs; a key without a value maps to an empty string.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Metadata(BTreeMap<String, String>);

impl Metadata {
    /// Parses the header; the error says what is wrong, for a 400.
    pub(crate) fn parse(header: &str) -> Result<Metadata, String> {
        if header.len() > MAX_HEADER_BYTES {
            return Err(format!(
                "Upload-Metadata may be at most {MAX_HEADER_BYTES} bytes."
            ));
        }
        let mut pairs = BTreeMap::new();
        for pair in header.split(',') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (key, value) = match pair.split_once(' ') {
                Some((key, value)) => (key, Some(value.trim())),
                None => (pair, None),
            };
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic() && b != b',') {
                return Err("Upload-Metadata keys are ASCII without spaces or commas.".into());
            }
            let value = match value {
                None | Some("") => String::new(),
                Some(encoded) => {
                    let bytes = STANDARD.decode(encoded).map_err(|_| {
                        format!("The Upload-Metadata value of {key} is not base64.")
                    })?;
                    String::from_utf8(bytes).map_err(|_| {
                        format!("The Upload-Metadata value of {key} is not UTF-8 text.")
                    })?
                }
            };
            if pairs.insert(key.to_owned(), value).is_some() {
                return Err(format!("Upload-Metadata names {key} twice."));
            }
        }
        Ok(Metadata(pairs))
    }

    /// The value of `key`, if given and not empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_base64_values() {
        let metadata = Metadata::parse(
            "filename 5L2g5aW9LnBkZg==,filetype YXBwbGljYXRpb24vcGRm, is_confidential",
        )
        .unwrap();
        assert_eq!(metadata.get("filename"), Some("你好.pdf"));
        assert_eq!(metadata.get("filetype"), Some("application/pdf"));
        assert_eq!(metadata.get("is_confidential"), None);
        assert_eq!(metadata.get("sha256"), None);
        assert_eq!(Metadata::parse("").unwrap(), Metadata::default());
    }

    #[test]
    fn refuses_malformed_pairs() {
        assert!(Metadata::parse("filename not*base64").is_err());
        assert!(Metadata::parse("a YQ==,a Yg==").is_err());
        assert!(Metadata::parse("k\u{e9}y YQ==").is_err());
        assert!(Metadata::parse(&"a".repeat(5000)).is_err());
        // Invalid UTF-8 (0xFF) in a value.
        assert!(Metadata::parse("filename /w==").is_err());
    }
}
