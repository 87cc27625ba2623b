//! Base64 decoding in the forgiving way Python's `base64.b64decode` (non-validating) does it:
//! characters outside the alphabet are discarded, then the rest must be correctly padded.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Decodes `input` after dropping every byte that is not in the standard alphabet or `=`.
pub fn decode_discarding_junk(input: &[u8]) -> Option<Vec<u8>> {
    let kept: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .collect();
    STANDARD.decode(kept).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_dropped_before_decoding() {
        assert_eq!(
            decode_discarding_junk(b"YW Rt\naW4=").as_deref(),
            Some(&b"admin"[..])
        );
        assert_eq!(decode_discarding_junk(b"!!!").as_deref(), Some(&b""[..]));
    }

    #[test]
    fn bad_padding_is_refused() {
        assert_eq!(decode_discarding_junk(b"YWRtaW4"), None);
    }
}
