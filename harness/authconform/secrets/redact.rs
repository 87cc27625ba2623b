//! Secrets are registered once and masked wherever output is produced.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Headers whose values are credentials and are never shown.
pub const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-chroma-token",
    "x-api-key",
    "cookie",
];

pub const MASK: &str = "***";

/// The run's secret registry: every password, token, key and environment value, in every encoding
/// the run sends it. Its `Debug` shows how many it holds, never one of them.
#[derive(Default, Clone)]
pub struct Redactor {
    /// Longest first, so a secret inside a longer one is masked as part of the longer.
    secrets: Vec<Secret>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

#[derive(Clone, PartialEq, Eq)]
struct Secret {
    text: String,
    /// A form that cannot occur by chance (a Basic value, `user:password`, `user` + `password`, a
    /// whole token): the canary flags it at any length. Other forms (a bare password, which may be
    /// a word) are flagged in a body from 8 characters on, in a header from 4.
    whole: bool,
}

/// Values shorter than this are not masked: masking them would garble ordinary text.
const MIN_MASKED: usize = 4;
/// Bare secrets shorter than this are not looked for in bodies, where words occur by chance.
const MIN_IN_BODY: usize = 8;

impl Redactor {
    /// Registers a secret in the forms the run may send or a server may show it: raw, base64,
    /// and percent-encoded (as in a query string).
    pub fn add(&mut self, secret: &str) {
        self.add_kind(secret, false);
    }

    /// Registers a whole token or key (sent as it is, never a word).
    pub fn add_token(&mut self, secret: &str) {
        self.add_kind(secret, true);
    }

    fn add_kind(&mut self, secret: &str, whole: bool) {
        if secret.chars().count() < MIN_MASKED {
            return;
        }
        self.push(secret.to_owned(), whole);
        self.push(STANDARD.encode(secret), true);
        let encoded = super::percent_encode(secret);
        if encoded != secret {
            self.push(encoded, whole);
        }
    }

    /// Registers a user's password, and the login's encodings that only the login makes: the
    /// Basic value and `user:password`, and `user` + `password` as some servers echo it.
    pub fn add_login(&mut self, user: &str, password: &str) {
        self.add(password);
        if !password.is_empty() {
            self.push(STANDARD.encode(format!("{user}:{password}")), true);
            if !user.is_empty() {
                self.push(format!("{user}:{password}"), true);
                self.push(format!("{user}{password}"), true);
            }
        }
    }

    fn push(&mut self, text: String, whole: bool) {
        if text.chars().count() < MIN_MASKED {
            return;
        }
        match self.secrets.iter_mut().find(|s| s.text == text) {
            Some(known) => known.whole |= whole,
            None => {
                self.secrets.push(Secret { text, whole });
                self.secrets
                    .sort_by_key(|s| std::cmp::Reverse(s.text.len()));
            }
        }
    }

    /// Whether a header value holds a secret the run sent: the leak canary for headers.
    pub fn echoed_in_header(&self, text: &str) -> bool {
        self.secrets.iter().any(|s| text.contains(s.text.as_str()))
    }

    /// Whether a body holds a secret the run sent: a whole form at any length, a bare one from
    /// 8 characters (shorter ones could be ordinary words).
    pub fn echoed_in(&self, text: &str) -> bool {
        self.secrets.iter().any(|s| {
            (s.whole || s.text.chars().count() >= MIN_IN_BODY) && text.contains(s.text.as_str())
        })
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.text.as_str()) {
                out = out.replace(secret.text.as_str(), MASK);
            }
        }
        out
    }
}

/// `Basic abc==` → `Basic ***`; a value with no scheme word → `***`; an empty value stays empty.
pub fn mask_credential(value: &str) -> String {
    if value.is_empty() {
        return "(empty)".into();
    }
    match value.split_once(' ') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.len() <= 10
                && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            format!("{scheme} {MASK}")
        }
        _ if value.chars().all(|c| c.is_ascii_alphabetic()) && value.len() <= 10 => {
            value.to_owned()
        }
        _ => MASK.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_and_their_encodings() {
        let mut r = Redactor::default();
        r.add_login("admin", "hunter22");
        r.add("tok");
        let b64 = STANDARD.encode("admin:hunter22");
        assert_eq!(
            r.redact(&format!("pw hunter22, header {b64}, tok")),
            "pw ***, header ***, tok"
        );
    }

    #[test]
    fn short_passwords_are_caught_where_they_cannot_occur_by_chance() {
        let mut r = Redactor::default();
        r.add_login("user", "pw5ch");
        // The bare 5-character password in a body could be a word: not flagged there …
        assert!(!r.echoed_in("the pw5ch of it"));
        // … but in a header, and in every form only the login makes, it is.
        assert!(r.echoed_in_header("x-user: userpw5ch"));
        assert!(r.echoed_in_header("pw5ch"));
        assert!(r.echoed_in("hello userpw5ch"));
        assert!(r.echoed_in("login user:pw5ch"));
        assert!(r.echoed_in(&STANDARD.encode("user:pw5ch")));
        assert_eq!(r.redact("x userpw5ch y"), "x *** y");
    }

    #[test]
    fn query_encoded_secrets_are_masked_and_debug_shows_none() {
        let mut r = Redactor::default();
        r.add("a b&c=d");
        assert_eq!(r.redact("GET /x?key=a%20b%26c%3Dd"), "GET /x?key=***");
        assert!(!format!("{r:?}").contains("a b"));
    }
}
