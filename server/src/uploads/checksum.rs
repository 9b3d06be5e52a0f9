//! `Upload-Checksum` (tus checksum extension): `<algorithm> <base64 digest>`
//! of one PATCH body. sha1 because tus requires it, sha256 because it is
//! what the app uses everywhere else.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// What `Tus-Checksum-Algorithm` advertises.
pub(crate) const ALGORITHMS: &str = "sha1,sha256";

/// The digest a PATCH body must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    algorithm: Algorithm,
    digest: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Sha1,
    Sha256,
}

impl Expected {
    /// Parses the header; the error says what is wrong, for a 400.
    pub(crate) fn parse(header: &str) -> Result<Expected, String> {
        let (name, encoded) = header
            .trim()
            .split_once(' ')
            .ok_or("Upload-Checksum is \"<algorithm> <base64 digest>\", e.g. \"sha256 …\".")?;
        let (algorithm, digest_len) = match name.to_ascii_lowercase().as_str() {
            "sha1" => (Algorithm::Sha1, 20),
            "sha256" => (Algorithm::Sha256, 32),
            _ => {
                return Err(format!(
                    "Upload-Checksum algorithm {name} is not supported; use one of {ALGORITHMS}."
                ));
            }
        };
        let digest = STANDARD
            .decode(encoded.trim())
            .ok()
            .filter(|digest| digest.len() == digest_len)
            .ok_or_else(|| {
                format!("Upload-Checksum's {name} digest is not {digest_len} bytes in base64.")
            })?;
        Ok(Expected { algorithm, digest })
    }

    /// A hasher for the body this checksum is about.
    pub(crate) fn hasher(&self) -> ChunkHasher {
        match self.algorithm {
            Algorithm::Sha1 => ChunkHasher::Sha1(Sha1::new()),
            Algorithm::Sha256 => ChunkHasher::Sha256(Sha256::new()),
        }
    }

    pub(crate) fn matches(&self, hasher: &ChunkHasher) -> bool {
        let digest = match hasher {
            ChunkHasher::Sha1(hasher) => hasher.clone().finalize().to_vec(),
            ChunkHasher::Sha256(hasher) => hasher.clone().finalize().to_vec(),
        };
        digest == self.digest
    }
}

/// Hashes a PATCH body as it streams in.
pub(crate) enum ChunkHasher {
    Sha1(Sha1),
    Sha256(Sha256),
}

impl ChunkHasher {
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            ChunkHasher::Sha1(hasher) => hasher.update(bytes),
            ChunkHasher::Sha256(hasher) => hasher.update(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, digest: &[u8]) -> String {
        format!("{name} {}", STANDARD.encode(digest))
    }

    #[test]
    fn checks_sha1_and_sha256() {
        for name in ["sha1", "sha256", "SHA256"] {
            let digest = if name.ends_with('1') {
                Sha1::digest(b"hello").to_vec()
            } else {
                Sha256::digest(b"hello").to_vec()
            };
            let expected = Expected::parse(&header(name, &digest)).unwrap();
            let mut hasher = expected.hasher();
            hasher.update(b"hel");
            hasher.update(b"lo");
            assert!(expected.matches(&hasher));
            let mut other = expected.hasher();
            other.update(b"hellO");
            assert!(!expected.matches(&other));
        }
    }

    #[test]
    fn refuses_unknown_algorithms_and_bad_digests() {
        assert!(Expected::parse("md5 XUFAKrxLKna5cZ2REBfFkg==").is_err());
        assert!(Expected::parse("sha256").is_err());
        assert!(Expected::parse("sha256 not-base64!").is_err());
        assert!(Expected::parse(&header("sha256", &[0; 20])).is_err());
    }
}
