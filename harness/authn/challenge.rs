//! `WWW-Authenticate` challenges and the generic `Authorization` credentials form (RFC 9110 §11):
//! `scheme [ 1*SP ( token68 / #auth-param ) ]`, auth-param values as tokens or quoted strings.
//! Strings borrow from the input; only quoted strings with escapes are copied.

use std::borrow::Cow;

/// One challenge (or one credentials value): the scheme and either a token68 or parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge<'a> {
    pub scheme: &'a str,
    pub token68: Option<&'a str>,
    pub params: Vec<(&'a str, Cow<'a, str>)>,
}

impl Challenge<'_> {
    /// The value of a parameter, its name compared case-insensitively (RFC 9110 §11.2).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    #[error("expected an auth-scheme at byte {0}")]
    ExpectedScheme(usize),
    #[error("a quoted string opened at byte {0} is never closed")]
    UnclosedQuote(usize),
    #[error("expected a parameter value at byte {0}")]
    ExpectedValue(usize),
    #[error("unexpected character at byte {0}")]
    Unexpected(usize),
    #[error("more than {0} challenges or parameters")]
    TooMany(usize),
    #[error("the header is empty")]
    Empty,
}

/// Limits that keep a hostile header from costing much.
pub const MAX_ITEMS: usize = 64;

/// Parses a `WWW-Authenticate` value: one or more comma-separated challenges.
pub fn parse_challenges(input: &str) -> Result<Vec<Challenge<'_>>, ChallengeError> {
    let mut p = Parser { s: input, i: 0 };
    let mut out = Vec::new();
    loop {
        p.skip_list_separators();
        if p.done() {
            break;
        }
        if out.len() == MAX_ITEMS {
            return Err(ChallengeError::TooMany(MAX_ITEMS));
        }
        out.push(p.challenge()?);
    }
    if out.is_empty() {
        Err(ChallengeError::Empty)
    } else {
        Ok(out)
    }
}

/// Parses an `Authorization` value in its generic form: exactly one credentials item.
pub fn parse_credentials(input: &str) -> Result<Challenge<'_>, ChallengeError> {
    let mut p = Parser { s: input, i: 0 };
    p.skip_ows();
    if p.done() {
        return Err(ChallengeError::Empty);
    }
    let c = p.challenge()?;
    p.skip_ows();
    if p.done() {
        Ok(c)
    } else {
        Err(ChallengeError::Unexpected(p.i))
    }
}

/// Writes challenges back as a header value (parameters always as quoted strings).
pub fn write_challenges(challenges: &[Challenge<'_>]) -> String {
    let mut out = String::new();
    for (n, c) in challenges.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(c.scheme);
        if let Some(t) = c.token68 {
            out.push(' ');
            out.push_str(t);
        }
        for (k, (name, value)) in c.params.iter().enumerate() {
            out.push_str(if k == 0 { " " } else { ", " });
            out.push_str(name);
            out.push_str("=\"");
            for ch in value.chars() {
                if ch == '"' || ch == '\\' {
                    out.push('\\');
                }
                out.push(ch);
            }
            out.push('"');
        }
    }
    out
}

pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

/// Characters a quoted string may not hold, raw or escaped: controls other than HTAB, and DEL.
fn is_control(c: char) -> bool {
    (c as u32) < 0x20 && c != '\t' || c == '\u{7f}'
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_list_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> &'a str {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn challenge(&mut self) -> Result<Challenge<'a>, ChallengeError> {
        let scheme = self.token();
        if scheme.is_empty() {
            return Err(ChallengeError::ExpectedScheme(self.i));
        }
        let mut challenge = Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
        };
        if self.peek() != Some(b' ') {
            return Ok(challenge);
        }
        self.skip_ows();
        if self.done() || self.peek() == Some(b',') {
            return Ok(challenge);
        }
        if let Some(t68) = self.try_token68() {
            challenge.token68 = Some(t68);
            return Ok(challenge);
        }
        loop {
            if challenge.params.len() == MAX_ITEMS {
                return Err(ChallengeError::TooMany(MAX_ITEMS));
            }
            let name = self.token();
            if name.is_empty() {
                return Err(ChallengeError::Unexpected(self.i));
            }
            self.skip_ows();
            if self.peek() != Some(b'=') {
                return Err(ChallengeError::Unexpected(self.i));
            }
            self.i += 1;
            self.skip_ows();
            let value = self.value()?;
            challenge.params.push((name, value));
            // After a parameter: end, or a comma then either another parameter or a new challenge.
            let after_value = self.i;
            self.skip_list_separators();
            if self.done() {
                return Ok(challenge);
            }
            if self.s.as_bytes()[after_value..self.i]
                .iter()
                .all(|b| *b != b',')
            {
                return Err(ChallengeError::Unexpected(after_value));
            }
            if !self.next_is_param() {
                return Ok(challenge);
            }
        }
    }

    /// A token68 is followed by optional `=` padding and then the end or a comma.
    fn try_token68(&mut self) -> Option<&'a str> {
        let start = self.i;
        let bytes = self.s.as_bytes();
        let mut j = start;
        while j < bytes.len() && is_token68_char(bytes[j]) {
            j += 1;
        }
        if j == start {
            return None;
        }
        while j < bytes.len() && bytes[j] == b'=' {
            j += 1;
        }
        let mut k = j;
        while k < bytes.len() && matches!(bytes[k], b' ' | b'\t') {
            k += 1;
        }
        if k == bytes.len() || bytes[k] == b',' {
            self.i = k;
            Some(&self.s[start..j])
        } else {
            None
        }
    }

    /// Whether what follows is `token BWS "="` (a parameter), not a new challenge's scheme.
    fn next_is_param(&self) -> bool {
        let bytes = self.s.as_bytes();
        let mut j = self.i;
        while j < bytes.len() && is_tchar(bytes[j]) {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        bytes.get(j) == Some(&b'=')
    }

    fn value(&mut self) -> Result<Cow<'a, str>, ChallengeError> {
        if self.peek() == Some(b'"') {
            return self.quoted();
        }
        let t = self.token();
        if t.is_empty() {
            Err(ChallengeError::ExpectedValue(self.i))
        } else {
            Ok(Cow::Borrowed(t))
        }
    }

    fn quoted(&mut self) -> Result<Cow<'a, str>, ChallengeError> {
        let open = self.i;
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        loop {
            let rest = &self.s[self.i..];
            let Some(c) = rest.chars().next() else {
                return Err(ChallengeError::UnclosedQuote(open));
            };
            match c {
                '"' => {
                    let value = match owned {
                        Some(s) => Cow::Owned(s),
                        None => Cow::Borrowed(&self.s[start..self.i]),
                    };
                    self.i += 1;
                    return Ok(value);
                }
                '\\' => {
                    let s = owned.get_or_insert_with(|| self.s[start..self.i].to_owned());
                    let escaped = rest[1..]
                        .chars()
                        .next()
                        .ok_or(ChallengeError::UnclosedQuote(open))?;
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ): no escaped controls.
                    if is_control(escaped) {
                        return Err(ChallengeError::Unexpected(self.i + 1));
                    }
                    s.push(escaped);
                    self.i += 1 + escaped.len_utf8();
                }
                c if is_control(c) => {
                    return Err(ChallengeError::Unexpected(self.i));
                }
                c => {
                    if let Some(s) = owned.as_mut() {
                        s.push(c);
                    }
                    self.i += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_challenges_with_params() {
        let v = r#"Basic realm="CrateDB Authenticator", Bearer realm="x", error="invalid_token", error_description="The access token expired""#;
        let c = parse_challenges(v).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].scheme, "Basic");
        assert_eq!(c[0].param("REALM"), Some("CrateDB Authenticator"));
        assert_eq!(c[1].param("error"), Some("invalid_token"));
        assert_eq!(c[1].params.len(), 3);
    }

    #[test]
    fn token68_schemes_and_bare_schemes() {
        let c = parse_challenges("Negotiate abc+/==, Bearer, Basic").unwrap();
        assert_eq!(c[0].token68, Some("abc+/=="));
        assert_eq!(
            c[1],
            Challenge {
                scheme: "Bearer",
                token68: None,
                params: vec![]
            }
        );
        assert_eq!(c[2].scheme, "Basic");
    }

    #[test]
    fn quoted_strings_unescape_and_tokens_are_allowed() {
        let c = parse_challenges(r#"Digest realm="a \"b\" \\c", qop=auth, nonce = "x,y""#).unwrap();
        assert_eq!(c[0].param("realm"), Some(r#"a "b" \c"#));
        assert_eq!(c[0].param("qop"), Some("auth"));
        assert_eq!(c[0].param("nonce"), Some("x,y"));
    }

    #[test]
    fn errors() {
        assert_eq!(parse_challenges(""), Err(ChallengeError::Empty));
        assert_eq!(parse_challenges(" , "), Err(ChallengeError::Empty));
        assert_eq!(
            parse_challenges(r#"Basic realm="x"#),
            Err(ChallengeError::UnclosedQuote(12))
        );
        assert!(matches!(
            parse_challenges("Basic a=b, realm="),
            Err(ChallengeError::ExpectedValue(_))
        ));
        assert_eq!(
            parse_challenges("Basic realm=").unwrap()[0].token68,
            Some("realm="),
            "a token68 may end in padding"
        );
        assert!(
            parse_challenges("Basic realm=\"a\" b=\"c\"").is_err(),
            "parameters need commas"
        );
        assert!(matches!(
            parse_challenges("\"x\""),
            Err(ChallengeError::ExpectedScheme(0))
        ));
    }

    #[test]
    fn escaped_control_characters_are_refused() {
        // Found by the www_authenticate fuzz target (fuzz/regressions/www_authenticate/).
        assert!(parse_challenges("Basic realm=\"a\\\u{1}b\"").is_err());
        assert_eq!(
            parse_challenges("Basic realm=\"a\\\tb\"").unwrap()[0].param("realm"),
            Some("a\tb")
        );
    }

    #[test]
    fn credentials_form() {
        let c = parse_credentials("Basic YWRtaW46cHc=").unwrap();
        assert_eq!((c.scheme, c.token68), ("Basic", Some("YWRtaW46cHc=")));
        assert!(parse_credentials("Basic a, Bearer b").is_err());
        assert_eq!(parse_credentials("  "), Err(ChallengeError::Empty));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn challenge() -> impl Strategy<Value = (String, Vec<(String, String)>)> {
            (
                "[A-Za-z][A-Za-z0-9-]{0,10}",
                proptest::collection::vec(("[a-z][a-z_]{0,8}", "[ -~]{0,20}"), 0..4),
            )
        }

        proptest! {
            #[test]
            fn written_challenges_parse_back(items in proptest::collection::vec(challenge(), 1..4)) {
                let challenges: Vec<Challenge> = items.iter().map(|(s, ps)| Challenge {
                    scheme: s,
                    token68: None,
                    params: ps.iter().map(|(k, v)| (k.as_str(), Cow::Borrowed(v.as_str()))).collect(),
                }).collect();
                let text = write_challenges(&challenges);
                let parsed = parse_challenges(&text).unwrap();
                prop_assert_eq!(parsed, challenges);
            }

            #[test]
            fn never_panics(input in ".{0,120}") {
                let _ = parse_challenges(&input);
                let _ = parse_credentials(&input);
            }
        }
    }
}
