//! The one error type of the crate. Every decoding path returns it, so
//! garbage from a camera becomes a typed refusal, never a panic.

/// What went wrong while building, parsing or checking a trust format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("not a Banshitong licence QR code (expected the prefix BST1: or BST0:)")]
    UnknownPrefix,
    #[error("the QR text is not valid base45: {0}")]
    Base45(String),
    #[error("the QR payload does not decompress: {0}")]
    Compression(String),
    #[error("the QR payload is larger than {limit} bytes once decompressed")]
    PayloadTooLarge { limit: usize },
    #[error("malformed CBOR: {0}")]
    Cbor(String),
    #[error("malformed COSE_Sign1: {0}")]
    Cose(String),
    #[error("malformed {what}: {detail}")]
    Format { what: &'static str, detail: String },
    #[error("unsupported COSE algorithm {0}")]
    UnsupportedAlgorithm(i64),
    #[error("unknown signature suite {0:?} (expected ed25519 or sm2-sm3)")]
    UnknownSuite(String),
    #[error("invalid {suite} key bytes")]
    InvalidKey { suite: &'static str },
    #[error("the signature does not verify")]
    BadSignature,
    #[error("no trusted issuer key with key id {0}")]
    UnknownIssuer(String),
    #[error("the signature suite does not match the key (expected {expected})")]
    SuiteMismatch { expected: &'static str },
    #[error("the licence has no claim named {0:?}")]
    UnknownClaim(String),
    #[error("invalid date {0:?} (expected YYYY-MM-DD)")]
    InvalidDate(String),
    #[error("invalid online token {0:?} (expected upper-case letters and digits)")]
    InvalidToken(String),
    #[error("status index {index} is outside the list of {len} entries")]
    StatusIndexOutOfRange { index: u64, len: u64 },
}

pub type Result<T> = std::result::Result<T, TrustError>;

impl TrustError {
    pub(crate) fn format(what: &'static str, detail: impl Into<String>) -> Self {
        TrustError::Format {
            what,
            detail: detail.into(),
        }
    }
}
