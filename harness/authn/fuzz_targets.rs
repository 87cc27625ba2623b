//! One entry point per fuzz target (`fuzz/fuzz_targets/*.rs` are one-line adapters), so that the
//! same checks replay the committed corpora under `cargo test` on stable. Each parses arbitrary
//! bytes and asserts the round-trip the parser promises; a panic is a finding.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::authorization::{
    BasicOptions, BearerOptions, TokenCharset, parse_basic, parse_bearer, parse_raw_token,
};
use crate::challenge::{parse_challenges, parse_credentials, write_challenges};
use crate::htpasswd::{Accept, Htpasswd, parse_line, write_line};
use crate::jws::{assemble, parse_compact};
use crate::pbkdf2_record::Pbkdf2Record;

/// Header bytes as text, bytes above 0x7f read as Latin-1 (as HTTP servers commonly do).
fn latin1(data: &[u8]) -> String {
    data.iter().map(|&b| b as char).collect()
}

pub fn basic(data: &[u8]) {
    let value = latin1(data);
    let _ = parse_basic(&value, BasicOptions::CHROMA);
    if let Ok(c) = parse_basic(&value, BasicOptions::STRICT) {
        let again = format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", c.user(), c.password()))
        );
        assert_eq!(parse_basic(&again, BasicOptions::STRICT).as_ref(), Ok(&c));
    }
}

pub fn bearer(data: &[u8]) {
    let value = latin1(data);
    for options in [BearerOptions::STRICT, BearerOptions::CHROMA] {
        if let Ok(token) = parse_bearer(&value, options) {
            assert!(value.contains(token));
            assert_eq!(parse_bearer(&format!("Bearer {token}"), options), Ok(token));
        }
    }
}

pub fn raw_token(data: &[u8]) {
    let value = latin1(data);
    if let Ok(token) = parse_raw_token(&value, TokenCharset::AsciiPrintableNoSpace) {
        assert_eq!(token.trim(), token);
        assert!(token.bytes().all(|b| b.is_ascii_graphic()));
    }
}

pub fn www_authenticate(data: &[u8]) {
    let value = latin1(data);
    let _ = parse_credentials(&value);
    if let Ok(challenges) = parse_challenges(&value) {
        let written = write_challenges(&challenges);
        let again = parse_challenges(&written).expect("written challenges parse");
        assert_eq!(again, challenges);
    }
}

pub fn htpasswd_line(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((user, hash)) = parse_line(text)
        && let Some(line) = write_line(user, hash)
    {
        assert_eq!(parse_line(&line), Some((user, hash)));
    }
}

/// First line: a password; the rest: an htpasswd file. Every user is checked (at most 4), with
/// bcrypt capped at cost 5 so the fuzzer stays fast.
pub fn htpasswd_verify(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (password, file) = text.split_once('\n').unwrap_or((&text, ""));
    if let Ok(file) = Htpasswd::parse(file) {
        let file = file.with_max_bcrypt_cost(5).accepting(Accept::Apache);
        let users: Vec<String> = file.users().take(4).map(str::to_owned).collect();
        for user in users {
            let _ = file.verify(&user, password);
        }
        let _ = file.verify("\u{0}no-such-user", password);
    }
}

pub fn pbkdf2_record(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(record) = Pbkdf2Record::parse_capped(text, 1000) {
        assert_eq!(
            Pbkdf2Record::parse_capped(&record.encode(), 1000).as_ref(),
            Ok(&record)
        );
        let _ = record.verify(b"password");
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = Pbkdf2Record::from_json(&json, 1000);
    }
}

pub fn jws(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(jws) = parse_compact(text) {
        let again = assemble(
            &serde_json::Value::Object(jws.header.clone()),
            &jws.payload,
            &jws.signature,
        );
        let reparsed = parse_compact(&again).expect("an assembled token parses");
        assert_eq!(reparsed.header, jws.header);
        assert_eq!(reparsed.payload, jws.payload);
        assert_eq!(reparsed.signature, jws.signature);
        let _ = jws.claims();
    }
}

/// A fuzz target's body.
pub type Entry = fn(&[u8]);

/// The targets by name, for replaying corpora.
pub const TARGETS: &[(&str, Entry)] = &[
    ("basic", basic),
    ("bearer", bearer),
    ("raw_token", raw_token),
    ("www_authenticate", www_authenticate),
    ("htpasswd_line", htpasswd_line),
    ("htpasswd_verify", htpasswd_verify),
    ("pbkdf2_record", pbkdf2_record),
    ("jws", jws),
];
