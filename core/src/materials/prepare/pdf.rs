//! PDFs pass through unchanged: re-rendering one would be slower than the
//! upload and could lose a signature. What is checked is that it starts as
//! a PDF and ends as one — a cut-off download lacks the final `%%EOF`.

/// The spec lets `%%EOF` be followed by a little whitespace; viewers look
/// for it in the last kilobyte.
pub(crate) const TAIL_BYTES: usize = 1024;

/// `head` is the file's start, `tail` its last [`TAIL_BYTES`] (or all of it).
pub(crate) fn looks_complete(head: &[u8], tail: &[u8]) -> bool {
    head.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_the_header_and_the_end_marker() {
        let pdf = b"%PDF-1.4\n...\n%%EOF\n";
        assert!(looks_complete(pdf, pdf));
        assert!(!looks_complete(pdf, &pdf[..10]));
        assert!(!looks_complete(b"%PDX", pdf));
    }
}
