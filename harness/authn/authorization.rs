//! `Authorization` header values: Basic (RFC 7617) and Bearer (RFC 6750), each with the strict
//! reading of the RFCs and the lenient readings that real servers show, as named options.

use super::base64_lenient::decode_discarding_junk;

/// How the auth-scheme name is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeMatch {
    /// RFC 9110 §11.1: scheme names are case-insensitive.
    CaseInsensitive,
    /// Exact, as Chroma's `re.sub(r"^Basic ", …)` and `startswith("Bearer ")` do.
    CaseSensitive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicOptions {
    pub scheme: SchemeMatch,
    /// Accept a value that is base64 with no scheme at all (Chroma 0.6 does).
    pub allow_missing_scheme: bool,
    /// Drop characters outside the base64 alphabet before decoding (Python's non-validating decode).
    pub discard_base64_junk: bool,
}

impl BasicOptions {
    /// RFC 7617 and RFC 9110 as written.
    pub const STRICT: BasicOptions = BasicOptions {
        scheme: SchemeMatch::CaseInsensitive,
        allow_missing_scheme: false,
        discard_base64_junk: false,
    };
    /// What Chroma 0.5.4–0.6.x accepts (`chromadb/auth/basic_authn/__init__.py`).
    pub const CHROMA: BasicOptions = BasicOptions {
        scheme: SchemeMatch::CaseSensitive,
        allow_missing_scheme: true,
        discard_base64_junk: true,
    };
}

/// Decoded credentials up to this many bytes are kept inline, with no allocation.
const INLINE: usize = 126;

/// A decoded Basic credential, `user:password` split at the first `:` (so the password may
/// contain `:`). Short ones are held inline; longer ones in one allocation.
#[derive(Clone)]
pub struct BasicCredentials {
    storage: Storage,
    colon: usize,
}

#[derive(Clone)]
enum Storage {
    Inline { bytes: [u8; INLINE], len: u8 },
    Heap(String),
}

impl BasicCredentials {
    fn text(&self) -> &str {
        match &self.storage {
            // SAFETY: `parse_basic_bytes` builds `Inline` only from bytes that passed
            // `str::from_utf8`, and the storage is never mutated afterwards.
            Storage::Inline { bytes, len } => unsafe {
                std::str::from_utf8_unchecked(&bytes[..usize::from(*len)])
            },
            Storage::Heap(s) => s,
        }
    }

    pub fn user(&self) -> &str {
        &self.text()[..self.colon]
    }

    pub fn password(&self) -> &str {
        &self.text()[self.colon + 1..]
    }
}

impl PartialEq for BasicCredentials {
    fn eq(&self, other: &Self) -> bool {
        self.colon == other.colon && self.text() == other.text()
    }
}

impl Eq for BasicCredentials {}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("user", &self.user())
            .field("password", &"***")
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BasicError {
    #[error("the scheme is not Basic")]
    WrongScheme,
    #[error("no credentials after the scheme")]
    Empty,
    #[error("the credentials are not valid base64")]
    BadBase64,
    #[error("the decoded credentials are not UTF-8")]
    NotUtf8,
    #[error("the decoded credentials have no ':' between user and password")]
    NoColon,
}

/// Parses a Basic `Authorization` value. Decoded bytes must be UTF-8 (RFC 7617 §2.1 `charset`).
pub fn parse_basic(value: &str, options: BasicOptions) -> Result<BasicCredentials, BasicError> {
    parse_basic_bytes(value.as_bytes(), options)
}

/// [`parse_basic`] on the header value's bytes as received (no UTF-8 check of the value itself).
pub fn parse_basic_bytes(
    value: &[u8],
    options: BasicOptions,
) -> Result<BasicCredentials, BasicError> {
    let encoded = match strip_scheme_bytes(value, b"Basic", options.scheme) {
        Some(rest) => rest,
        None if options.allow_missing_scheme => value,
        None => return Err(BasicError::WrongScheme),
    };
    if options.discard_base64_junk {
        let decoded = decode_discarding_junk(encoded.trim_ascii()).ok_or(BasicError::BadBase64)?;
        return heap(decoded);
    }
    let start = encoded
        .iter()
        .position(|&b| b != b' ')
        .ok_or(BasicError::Empty)?;
    let encoded = &encoded[start..];
    let mut inline = [0u8; INLINE];
    if encoded.len().div_ceil(4) * 3 <= INLINE {
        let len = base64_simd::STANDARD
            .decode(encoded, base64_simd::Out::from_slice(&mut inline))
            .map_err(|_| BasicError::BadBase64)?
            .len();
        let text = std::str::from_utf8(&inline[..len]).map_err(|_| BasicError::NotUtf8)?;
        let colon = text.find(':').ok_or(BasicError::NoColon)?;
        return Ok(BasicCredentials {
            storage: Storage::Inline {
                bytes: inline,
                len: len as u8,
            },
            colon,
        });
    }
    heap(
        base64_simd::STANDARD
            .decode_to_vec(encoded)
            .map_err(|_| BasicError::BadBase64)?,
    )
}

fn heap(decoded: Vec<u8>) -> Result<BasicCredentials, BasicError> {
    let decoded = String::from_utf8(decoded).map_err(|_| BasicError::NotUtf8)?;
    let colon = decoded.find(':').ok_or(BasicError::NoColon)?;
    Ok(BasicCredentials {
        storage: Storage::Heap(decoded),
        colon,
    })
}

/// Which characters a bearer token may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCharset {
    /// RFC 6750 §2.1 `b64token`: `ALPHA DIGIT - . _ ~ + /` then optional `=` padding.
    B64Token,
    /// Chroma's check: ASCII letters, digits and punctuation (`string.punctuation`).
    AsciiPrintableNoSpace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BearerOptions {
    pub scheme: SchemeMatch,
    pub charset: TokenCharset,
}

impl BearerOptions {
    pub const STRICT: BearerOptions = BearerOptions {
        scheme: SchemeMatch::CaseInsensitive,
        charset: TokenCharset::B64Token,
    };
    /// Chroma's token provider: `Bearer ` exactly, the rest stripped, then its charset check.
    pub const CHROMA: BearerOptions = BearerOptions {
        scheme: SchemeMatch::CaseSensitive,
        charset: TokenCharset::AsciiPrintableNoSpace,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BearerError {
    #[error("the scheme is not Bearer")]
    WrongScheme,
    #[error("no token after the scheme")]
    Empty,
    #[error("the token has a character its syntax does not allow")]
    BadCharacter,
}

/// Parses a Bearer `Authorization` value and returns the token, borrowed from `value`.
pub fn parse_bearer(value: &str, options: BearerOptions) -> Result<&str, BearerError> {
    let rest = strip_scheme(value, "Bearer", options.scheme).ok_or(BearerError::WrongScheme)?;
    let token = match options.charset {
        TokenCharset::B64Token => rest.trim_start_matches(' '),
        TokenCharset::AsciiPrintableNoSpace => rest.trim(),
    };
    check_token(token, options.charset)
}

/// Checks a raw token (as sent in `X-Chroma-Token`): surrounding white space is stripped first.
pub fn parse_raw_token(value: &str, charset: TokenCharset) -> Result<&str, BearerError> {
    check_token(value.trim(), charset)
}

fn check_token(token: &str, charset: TokenCharset) -> Result<&str, BearerError> {
    if token.is_empty() {
        return Err(BearerError::Empty);
    }
    let ok = match charset {
        TokenCharset::B64Token => {
            let body = token.trim_end_matches('=');
            !body.is_empty() && body.bytes().all(|b| B64TOKEN[usize::from(b)])
        }
        TokenCharset::AsciiPrintableNoSpace => token.bytes().all(|b| b.is_ascii_graphic()),
    };
    if ok {
        Ok(token)
    } else {
        Err(BearerError::BadCharacter)
    }
}

/// RFC 6750 `b64token` characters: `ALPHA DIGIT - . _ ~ + /`.
const B64TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] =
            c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
        b += 1;
    }
    table
};

/// Returns what follows `scheme` and at least one space, or `None` when the scheme differs.
fn strip_scheme<'a>(value: &'a str, scheme: &str, matching: SchemeMatch) -> Option<&'a str> {
    let rest = strip_scheme_bytes(value.as_bytes(), scheme.as_bytes(), matching)?;
    Some(&value[value.len() - rest.len()..])
}

fn strip_scheme_bytes<'a>(
    value: &'a [u8],
    scheme: &[u8],
    matching: SchemeMatch,
) -> Option<&'a [u8]> {
    let head = value.get(..scheme.len())?;
    let same = match matching {
        SchemeMatch::CaseInsensitive => head.eq_ignore_ascii_case(scheme),
        SchemeMatch::CaseSensitive => head == scheme,
    };
    let rest = &value[scheme.len()..];
    (same && rest.first() == Some(&b' ')).then(|| &rest[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn basic_splits_at_first_colon() {
        let c = parse_basic(
            &format!("Basic {}", b64("admin:pa:ss")),
            BasicOptions::STRICT,
        )
        .unwrap();
        assert_eq!(c.user(), "admin");
        assert_eq!(c.password(), "pa:ss");
    }

    #[test]
    fn strict_basic_scheme_is_case_insensitive() {
        let v = format!("bAsIc {}", b64("a:b"));
        assert!(parse_basic(&v, BasicOptions::STRICT).is_ok());
        assert!(parse_basic(&v, BasicOptions::CHROMA).is_err());
    }

    #[test]
    fn chroma_accepts_bare_base64_and_extra_spaces() {
        assert!(parse_basic(&b64("a:b"), BasicOptions::CHROMA).is_ok());
        assert!(parse_basic(&b64("a:b"), BasicOptions::STRICT).is_err());
        assert!(parse_basic(&format!("Basic   {}", b64("a:b")), BasicOptions::CHROMA).is_ok());
    }

    #[test]
    fn basic_errors_are_named() {
        assert_eq!(
            parse_basic("Basic", BasicOptions::STRICT),
            Err(BasicError::WrongScheme)
        );
        assert_eq!(
            parse_basic("Basic ", BasicOptions::STRICT),
            Err(BasicError::Empty)
        );
        assert_eq!(
            parse_basic("Basic !!!", BasicOptions::STRICT),
            Err(BasicError::BadBase64)
        );
        assert_eq!(
            parse_basic(&format!("Basic {}", b64("nocolon")), BasicOptions::STRICT),
            Err(BasicError::NoColon)
        );
        let latin1 = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode([0xff, b':', b'x'])
        };
        assert_eq!(
            parse_basic(&format!("Basic {latin1}"), BasicOptions::STRICT),
            Err(BasicError::NotUtf8)
        );
    }

    #[test]
    fn debug_masks_the_password() {
        let c = parse_basic(&format!("Basic {}", b64("u:hunter2")), BasicOptions::STRICT).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn bearer_strict_and_chroma() {
        assert_eq!(
            parse_bearer("Bearer abc.def-_~+/==", BearerOptions::STRICT),
            Ok("abc.def-_~+/==")
        );
        assert_eq!(parse_bearer("bearer abc", BearerOptions::STRICT), Ok("abc"));
        assert_eq!(
            parse_bearer("bearer abc", BearerOptions::CHROMA),
            Err(BearerError::WrongScheme)
        );
        assert_eq!(
            parse_bearer("Bearer   abc  ", BearerOptions::CHROMA),
            Ok("abc")
        );
        assert_eq!(
            parse_bearer("Bearer a!c", BearerOptions::STRICT),
            Err(BearerError::BadCharacter)
        );
        assert_eq!(parse_bearer("Bearer a!c", BearerOptions::CHROMA), Ok("a!c"));
        assert_eq!(
            parse_bearer("Bearer tök", BearerOptions::CHROMA),
            Err(BearerError::BadCharacter)
        );
        assert_eq!(
            parse_bearer("Bearer ", BearerOptions::CHROMA),
            Err(BearerError::Empty)
        );
        assert_eq!(
            parse_bearer("Bearerabc", BearerOptions::CHROMA),
            Err(BearerError::WrongScheme)
        );
    }

    #[test]
    fn raw_token_is_stripped() {
        assert_eq!(
            parse_raw_token("  tok  ", TokenCharset::AsciiPrintableNoSpace),
            Ok("tok")
        );
        assert_eq!(
            parse_raw_token("", TokenCharset::AsciiPrintableNoSpace),
            Err(BearerError::Empty)
        );
        assert_eq!(
            parse_raw_token("Bearer tok", TokenCharset::AsciiPrintableNoSpace),
            Err(BearerError::BadCharacter)
        );
    }

    #[test]
    fn long_credentials_use_the_heap_and_agree() {
        for n in [1, 60, 94, 95, 96, 200, 5000] {
            let password = "p".repeat(n);
            let c = parse_basic(
                &format!("Basic {}", b64(&format!("u:{password}"))),
                BasicOptions::STRICT,
            )
            .unwrap();
            assert_eq!((c.user(), c.password()), ("u", password.as_str()), "{n}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn basic_round_trips(user in "[^:]{0,20}", password in ".{0,40}") {
                let header = format!("Basic {}", b64(&format!("{user}:{password}")));
                let c = parse_basic(&header, BasicOptions::STRICT).unwrap();
                prop_assert_eq!(c.user(), user);
                prop_assert_eq!(c.password(), password);
            }

            #[test]
            fn parsers_never_panic(value in ".{0,80}") {
                let _ = parse_basic(&value, BasicOptions::STRICT);
                let _ = parse_basic(&value, BasicOptions::CHROMA);
                let _ = parse_bearer(&value, BearerOptions::STRICT);
                let _ = parse_bearer(&value, BearerOptions::CHROMA);
            }

            #[test]
            fn bearer_round_trips(token in "[A-Za-z0-9._~+/-]{1,40}") {
                let header = format!("Bearer {token}");
                prop_assert_eq!(parse_bearer(&header, BearerOptions::STRICT), Ok(token.as_str()));
            }
        }
    }
}
