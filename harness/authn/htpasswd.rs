//! htpasswd files: one `user:hash` per line. Which hash formats are verified is a named choice:
//! Chroma verifies bcrypt only; Apache also verifies `$apr1$` and `{SHA}`. Plain text and DES
//! crypt are never accepted.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

use crate::apr1;
use crate::constant_time::ct_eq;

/// bcrypt costs above this are refused before hashing, so a hostile file cannot stall a verifier.
pub const DEFAULT_MAX_BCRYPT_COST: u32 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashScheme {
    /// `$2a$`, `$2b$`, `$2y$` with a two-digit cost.
    Bcrypt { cost: u32 },
    /// `$apr1$salt$digest`.
    Apr1,
    /// `{SHA}` followed by base64 of SHA-1.
    Sha1,
    /// Traditional DES crypt: 13 characters of `./0-9A-Za-z`. Never verified here — it reads only
    /// 8 characters of a password.
    DesCrypt,
    /// Anything else: plain text, unknown formats.
    Unsupported,
}

impl HashScheme {
    pub fn of(hash: &str) -> HashScheme {
        let bcrypt_prefix = ["$2a$", "$2b$", "$2y$"].iter().any(|p| hash.starts_with(p));
        let cost = hash
            .get(4..6)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|c| c.parse::<u32>().ok());
        match (bcrypt_prefix, cost, hash.as_bytes().get(6)) {
            (true, Some(cost), Some(b'$')) => HashScheme::Bcrypt { cost },
            _ if apr1::salt_of(hash).is_some() => HashScheme::Apr1,
            _ if hash.starts_with("{SHA}") => HashScheme::Sha1,
            _ if hash.len() == 13
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/') =>
            {
                HashScheme::DesCrypt
            }
            _ => HashScheme::Unsupported,
        }
    }
}

/// Which formats [`Htpasswd::verify`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// bcrypt only, as Chroma's Basic provider (`chromadb/auth/basic_authn/__init__.py`).
    BcryptOnly,
    /// bcrypt, `$apr1$` and `{SHA}`, as Apache httpd.
    Apache,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtpasswdError {
    #[error("line {line}: expected exactly <user>:<hash>")]
    Malformed { line: usize },
    #[error("line {line}: user {user:?} appears twice")]
    DuplicateUser { line: usize, user: String },
}

/// Splits one stripped, non-empty line into user and hash: exactly two non-empty parts.
pub fn parse_line(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.split(':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(user), Some(hash), None) if !user.is_empty() && !hash.is_empty() => {
            Some((user, hash))
        }
        _ => None,
    }
}

/// Writes one line; `None` when the user name cannot stand in an htpasswd file.
pub fn write_line(user: &str, hash: &str) -> Option<String> {
    let ok = |s: &str| !s.is_empty() && !s.contains([':', '\n', '\r']) && s.trim() == s;
    (ok(user) && ok(hash)).then(|| format!("{user}:{hash}"))
}

pub struct Htpasswd {
    entries: HashMap<String, String>,
    max_bcrypt_cost: u32,
    accept: Accept,
}

impl std::fmt::Debug for Htpasswd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut users: Vec<_> = self.entries.keys().collect();
        users.sort();
        f.debug_struct("Htpasswd")
            .field("users", &users)
            .field("accept", &self.accept)
            .finish()
    }
}

impl Htpasswd {
    /// Parses a file: lines are stripped, blank lines skipped, each other line must split on `:`
    /// into exactly two non-empty parts, and a user may appear once. Verifies bcrypt only.
    pub fn parse(text: &str) -> Result<Htpasswd, HtpasswdError> {
        let mut entries = HashMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let (user, hash) =
                parse_line(line).ok_or(HtpasswdError::Malformed { line: index + 1 })?;
            if entries.insert(user.to_owned(), hash.to_owned()).is_some() {
                return Err(HtpasswdError::DuplicateUser {
                    line: index + 1,
                    user: user.to_owned(),
                });
            }
        }
        Ok(Htpasswd {
            entries,
            max_bcrypt_cost: DEFAULT_MAX_BCRYPT_COST,
            accept: Accept::BcryptOnly,
        })
    }

    pub fn with_max_bcrypt_cost(mut self, cost: u32) -> Htpasswd {
        self.max_bcrypt_cost = cost;
        self
    }

    pub fn accepting(mut self, accept: Accept) -> Htpasswd {
        self.accept = accept;
        self
    }

    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn contains(&self, user: &str) -> bool {
        self.entries.contains_key(user)
    }

    /// The stored hash of `user`.
    pub fn hash_of(&self, user: &str) -> Option<&str> {
        self.entries.get(user).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when `user` exists and `password` matches its hash. An unknown user is checked against
    /// a dummy hash of the same cost, so the answer takes as long as for a known user.
    pub fn verify(&self, user: &str, password: &str) -> bool {
        match self.entries.get(user) {
            Some(hash) => verify_hash(hash, password, self.max_bcrypt_cost, self.accept),
            None => {
                let _ = verify_hash(
                    DUMMY_BCRYPT_COST_5,
                    password,
                    self.max_bcrypt_cost,
                    self.accept,
                );
                false
            }
        }
    }
}

/// A bcrypt hash at cost 5 (the cost `htpasswd -B` uses by default), from `vectors/htpasswd.txt`.
const DUMMY_BCRYPT_COST_5: &str = "$2y$05$9xq98BuzB.ibZayFurtLV.ewOR76/qPFHVAj7hMrGXykXRWHN3zVO";

/// Verifies `password` against one stored hash, refusing formats `accept` leaves out and bcrypt
/// costs above `max_cost`. Every comparison of derived values is constant-time.
pub fn verify_hash(hash: &str, password: &str, max_cost: u32, accept: Accept) -> bool {
    match (HashScheme::of(hash), accept) {
        (HashScheme::Bcrypt { cost }, _) if (4..=max_cost).contains(&cost) => {
            bcrypt::verify(password, hash).unwrap_or(false)
        }
        (HashScheme::Apr1, Accept::Apache) => {
            let salt = apr1::salt_of(hash).unwrap_or_default();
            ct_eq(
                apr1::hash(password.as_bytes(), salt.as_bytes()).as_bytes(),
                hash.as_bytes(),
            )
        }
        (HashScheme::Sha1, Accept::Apache) => {
            let computed = format!(
                "{{SHA}}{}",
                STANDARD.encode(Sha1::digest(password.as_bytes()))
            );
            ct_eq(computed.as_bytes(), hash.as_bytes())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_verifies_bcrypt() {
        let hash = bcrypt::hash("s3cret:x", 4).unwrap();
        let file = Htpasswd::parse(&format!("\n  admin:{hash}  \n\n")).unwrap();
        assert!(file.verify("admin", "s3cret:x"));
        assert!(!file.verify("admin", "s3cret"));
        assert!(!file.verify("nobody", "s3cret:x"));
    }

    #[test]
    fn dummy_hash_is_bcrypt_cost_5() {
        assert_eq!(
            HashScheme::of(DUMMY_BCRYPT_COST_5),
            HashScheme::Bcrypt { cost: 5 }
        );
        assert!(bcrypt::verify("x", DUMMY_BCRYPT_COST_5).is_ok());
    }

    #[test]
    fn malformed_lines_and_duplicates_are_refused() {
        assert_eq!(
            Htpasswd::parse("admin").unwrap_err(),
            HtpasswdError::Malformed { line: 1 }
        );
        assert_eq!(
            Htpasswd::parse("a:b:c").unwrap_err(),
            HtpasswdError::Malformed { line: 1 }
        );
        assert_eq!(
            Htpasswd::parse("\n:b").unwrap_err(),
            HtpasswdError::Malformed { line: 2 }
        );
        assert_eq!(
            Htpasswd::parse("a:x\na:y").unwrap_err(),
            HtpasswdError::DuplicateUser {
                line: 2,
                user: "a".into()
            }
        );
    }

    #[test]
    fn unsupported_formats_and_high_costs_never_match() {
        let plain = Htpasswd::parse("admin:password").unwrap();
        assert!(!plain.verify("admin", "password"));
        let hostile =
            Htpasswd::parse("admin:$2b$31$uGJ0Q2sHQmI5oAibz0b1Fe3n7oC6Dc6Fx9cVAPJAf3Mv0iBVhzn8e")
                .unwrap();
        assert!(!hostile.verify("admin", "x"));
    }

    #[test]
    fn scheme_detection() {
        assert_eq!(
            HashScheme::of("$2y$10$abc"),
            HashScheme::Bcrypt { cost: 10 }
        );
        assert_eq!(HashScheme::of("$2y$1x$abc"), HashScheme::Unsupported);
        assert_eq!(HashScheme::of("$2y$+5$abc"), HashScheme::Unsupported);
        assert_eq!(HashScheme::of("$apr1$x$y"), HashScheme::Unsupported);
        assert_eq!(
            HashScheme::of("$apr1$3QJbSsD3$A6El2U8SgcpDX3IdVmRuj."),
            HashScheme::Apr1
        );
        assert_eq!(HashScheme::of("{SHA}abc"), HashScheme::Sha1);
        assert_eq!(HashScheme::of("ab01FAX.bQRSU"), HashScheme::DesCrypt);
        assert_eq!(HashScheme::of("ab01FAX.bQRS"), HashScheme::Unsupported);
        assert!(!verify_hash(
            "ab01FAX.bQRSU",
            "whatever",
            14,
            Accept::Apache
        ));
        assert_eq!(HashScheme::of("pass1"), HashScheme::Unsupported);
    }

    #[test]
    fn lines_round_trip() {
        assert_eq!(parse_line("u:h"), Some(("u", "h")));
        assert_eq!(parse_line("u:"), None);
        assert_eq!(write_line("u", "$2y$05$x").as_deref(), Some("u:$2y$05$x"));
        assert_eq!(write_line("a:b", "h"), None);
    }

    proptest::proptest! {
        #[test]
        fn written_lines_parse_back(user in "[^:\\s]{1,20}", hash in "[^:\\s]{1,60}") {
            let line = write_line(&user, &hash).unwrap();
            proptest::prop_assert_eq!(parse_line(&line), Some((user.as_str(), hash.as_str())));
        }

        #[test]
        fn parsing_never_panics(text in "(?s).{0,200}") {
            if let Ok(file) = Htpasswd::parse(&text) {
                let _ = file.with_max_bcrypt_cost(4).verify("u", "p");
            }
        }
    }

    #[test]
    fn debug_never_shows_hashes() {
        let file = Htpasswd::parse("admin:$2y$05$secretsecret").unwrap();
        assert!(!format!("{file:?}").contains("secretsecret"));
    }
}

#[cfg(test)]
mod vectors {
    use super::*;

    const FILE: &str = include_str!("vectors/htpasswd.txt");
    const PASSWORDS: &str = include_str!("vectors/htpasswd.passwords.tsv");

    fn password_of(user: &str) -> &'static str {
        PASSWORDS
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|cols| cols[0] == user)
            .map(|cols| cols[1])
            .unwrap()
    }

    #[test]
    fn apache_bcrypt_lines_verify_and_others_are_refused() {
        let body: String = FILE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let file = Htpasswd::parse(&body).unwrap();
        for user in [
            "bcrypt4",
            "bcrypt5",
            "bcrypt10",
            "colonpw",
            "unicodepw",
            "emptypw",
        ] {
            assert!(file.verify(user, password_of(user)), "{user} should verify");
            assert!(
                !file.verify(user, "wrong"),
                "{user} must refuse a wrong password"
            );
        }
        for user in ["apr1user", "apr1colon", "shauser", "cryptuser", "plainuser"] {
            assert!(
                !file.verify(user, password_of(user)),
                "{user}: only bcrypt is verified"
            );
        }
    }
}
