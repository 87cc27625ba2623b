//! Compact JWS (RFC 7515 §7.1): three base64url segments without padding, separated by dots; the
//! header is a JSON object with a string `alg`. Segments borrow from the input.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Longer tokens are refused before decoding.
pub const MAX_TOKEN_LEN: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct CompactJws<'a> {
    pub header_b64: &'a str,
    pub payload_b64: &'a str,
    pub signature_b64: &'a str,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    pub header: serde_json::Map<String, serde_json::Value>,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

impl CompactJws<'_> {
    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    }

    /// The payload as a JSON object, as a JWT's claims set must be.
    pub fn claims(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        match serde_json::from_slice(&self.payload).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("the token is longer than {MAX_TOKEN_LEN} bytes")]
    TooLong,
    #[error("a compact JWS has 3 segments, this has {0}")]
    Segments(usize),
    #[error("segment {0} is not unpadded base64url")]
    Base64(usize),
    #[error("the header is not a JSON object")]
    HeaderNotObject,
    #[error("the header has no string `alg`")]
    NoAlg,
}

pub fn parse_compact(token: &str) -> Result<CompactJws<'_>, JwsError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwsError::TooLong);
    }
    let segments: Vec<&str> = token.splitn(4, '.').collect();
    let [header_b64, payload_b64, signature_b64] = segments.as_slice() else {
        return Err(JwsError::Segments(token.split('.').count()));
    };
    let decode = |index: usize, s: &str| {
        URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| JwsError::Base64(index))
    };
    let header_bytes = decode(1, header_b64)?;
    let payload = decode(2, payload_b64)?;
    let signature = decode(3, signature_b64)?;
    let header = match serde_json::from_slice(&header_bytes) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return Err(JwsError::HeaderNotObject),
    };
    if !header.get("alg").is_some_and(serde_json::Value::is_string) {
        return Err(JwsError::NoAlg);
    }
    let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
    Ok(CompactJws {
        header_b64,
        payload_b64,
        signature_b64,
        signing_input,
        header,
        payload,
        signature,
    })
}

/// Assembles a compact JWS from a header, payload and signature.
pub fn assemble(header: &serde_json::Value, payload: &[u8], signature: &[u8]) -> String {
    let header = serde_json::to_vec(header).unwrap_or_default();
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_a_token_and_exposes_its_parts() {
        let token = assemble(
            &json!({"alg": "RS256", "kid": "k1"}),
            br#"{"sub":"a"}"#,
            b"sig",
        );
        let jws = parse_compact(&token).unwrap();
        assert_eq!(jws.alg(), "RS256");
        assert_eq!(jws.claims().unwrap()["sub"], "a");
        assert_eq!(jws.signature, b"sig");
        assert_eq!(
            format!("{}.{}", jws.header_b64, jws.payload_b64),
            jws.signing_input
        );
    }

    #[test]
    fn alg_none_with_empty_signature_parses() {
        let token = assemble(&json!({"alg": "none"}), b"{}", b"");
        assert!(token.ends_with('.'));
        assert_eq!(parse_compact(&token).unwrap().alg(), "none");
    }

    #[test]
    fn errors_name_the_segment() {
        assert_eq!(parse_compact("a.b"), Err(JwsError::Segments(2)));
        assert_eq!(parse_compact("a.b.c.d"), Err(JwsError::Segments(4)));
        assert_eq!(parse_compact(""), Err(JwsError::Segments(1)));
        let good = assemble(&json!({"alg": "HS256"}), b"{}", b"s");
        let (h, rest) = good.split_once('.').unwrap();
        assert_eq!(
            parse_compact(&format!("{h}=.{rest}")),
            Err(JwsError::Base64(1))
        );
        assert_eq!(
            parse_compact(&format!("{h}.e30+.x")),
            Err(JwsError::Base64(2))
        );
        assert_eq!(
            parse_compact(&assemble(&json!(["alg"]), b"{}", b"")),
            Err(JwsError::HeaderNotObject)
        );
        assert_eq!(
            parse_compact(&assemble(&json!({"alg": 1}), b"{}", b"")),
            Err(JwsError::NoAlg)
        );
        assert_eq!(
            parse_compact(&"a".repeat(MAX_TOKEN_LEN + 1)),
            Err(JwsError::TooLong)
        );
    }

    proptest::proptest! {
        #[test]
        fn assembled_tokens_parse_back(alg in "[A-Za-z0-9]{1,8}", payload in proptest::collection::vec(proptest::num::u8::ANY, 0..64), signature in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let token = assemble(&json!({"alg": alg}), &payload, &signature);
            let jws = parse_compact(&token).unwrap();
            proptest::prop_assert_eq!(jws.alg(), alg.as_str());
            proptest::prop_assert_eq!(jws.payload, payload);
            proptest::prop_assert_eq!(jws.signature, signature);
        }

        #[test]
        fn parsing_never_panics(token in "[A-Za-z0-9_.=+/-]{0,120}") {
            let _ = parse_compact(&token);
        }
    }
}
