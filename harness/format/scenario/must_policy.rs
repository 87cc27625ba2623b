//! "Must means security": what a `must` case may assert. A `must` failure fails the gate, so it
//! may only say that a protected endpoint answered 2xx without valid credentials, that valid ones
//! were refused, that refusals told causes apart, that a server fetched keys from where a token
//! pointed, or that TLS verification was not honoured. Exact statuses, headers, challenges and
//! message texts are `should` or `compat` (docs/scenario-format.md § Levels).

use super::model::{Case, Spanned, StatusSpec};
use super::status_word::{StatusWord, parse_status_word};
use crate::level::Level;
use serde_saphyr::Location;

/// Mock-issuer counts a `must` case may assert: a key fetched from an address the token named.
const SECURITY_FETCHES: &[&str] = &["attacker_jwks"];

/// What a `must` case asserts beyond security: (where, what, how to fix). Empty for other levels.
pub fn problems(case: &Case) -> Vec<(Location, String, &'static str)> {
    if case.level.value != Level::Must {
        return Vec::new();
    }
    let mut out = Vec::new();
    let e = &case.expect;
    if let Some(status) = &e.status
        && !security_status(status)
    {
        out.push((
            status.referenced,
            format!(
                "a must case asserts security, not the exact status {}",
                written(&status.value)
            ),
            "write `not 2xx` for a refusal, `2xx` or `\"not 401, 403\"` for an acceptance, and \
             check the exact status in a `should` or `compat` case",
        ));
    }
    if let Some((name, spec)) = e.headers.iter().next() {
        out.push((
            spec.referenced,
            format!("a must case asserts security, not the `{name}` header"),
            "check headers in a `should` or `compat` case",
        ));
    }
    if e.challenge.is_some() {
        out.push((
            case.level.referenced,
            "a must case asserts security, not the challenge's shape".into(),
            "check `challenge` in a `should` case (RFC 9110 §11.6.1)",
        ));
    }
    if let Some(body) = &e.body
        && (!body.contains.is_empty() || body.equals.is_some())
    {
        out.push((
            case.level.referenced,
            "a must case asserts security, not a message text".into(),
            "keep `not_contains` (nothing leaked) or a JSON value naming the principal; check \
             messages in a `compat` case",
        ));
    }
    for (name, spec) in &e.fetches {
        if !SECURITY_FETCHES.contains(&name.as_str()) {
            out.push((
                spec.referenced,
                format!("a must case asserts security, not how often `{name}` was fetched"),
                "only `attacker_jwks` (keys fetched from where a token pointed) is a must; \
                 check caching in a `should` case",
            ));
        }
    }
    out
}

fn security_status(status: &Spanned<StatusSpec>) -> bool {
    match &status.value {
        StatusSpec::Class(text) => match parse_status_word(text) {
            Some(StatusWord::Class(class)) => class == 2,
            Some(StatusWord::NotClass(class)) => class == 2,
            Some(StatusWord::NoneOf(codes)) => codes.iter().all(|c| *c >= 400),
            None => true, // reported as a bad status elsewhere
        },
        StatusSpec::Code(_) | StatusSpec::AnyOf(_) => false,
    }
}

fn written(status: &StatusSpec) -> String {
    match status {
        StatusSpec::Code(code) => code.to_string(),
        StatusSpec::AnyOf(codes) => format!("{codes:?}"),
        StatusSpec::Class(text) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::load::parse_suite;
    use std::path::Path;

    fn suite_problems(expect: &str, level: &str) -> Vec<String> {
        let text = format!(
            "suite: s\ndialect: http-basic\nmodes: [basic]\ncases:\n  - name: c\n    level: {level}\n    ref: r\n    request: {{ endpoint: protected }}\n    expect: {expect}\n"
        );
        match parse_suite(Path::new("s.yaml"), &text) {
            Ok(_) => Vec::new(),
            Err(ds) => ds.0.iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn must_may_assert_security_only() {
        for ok in [
            "{ status: not 2xx }",
            "{ status: 2xx }",
            "{ status: \"not 401, 403\" }",
            "{ status: not 2xx, body: { not_contains: [x] } }",
            "{ status: 2xx, body: { json: { /user: alice } } }",
            "{ status: not 2xx, fetches: { attacker_jwks: 0 } }",
        ] {
            assert_eq!(suite_problems(ok, "must"), Vec::<String>::new(), "{ok}");
        }
        for (bad, says) in [
            ("{ status: 401 }", "exact status 401"),
            ("{ status: [401, 403] }", "exact status [401, 403]"),
            ("{ status: 4xx }", "exact status 4xx"),
            ("{ status: \"not 200\" }", "exact status not 200"),
            ("{ headers: { x: present } }", "the `x` header"),
            ("{ body: { contains: [denied] } }", "message text"),
            ("{ fetches: { jwks: 1 } }", "`jwks` was fetched"),
            ("{ challenge: { scheme: Basic } }", "challenge's shape"),
        ] {
            let got = suite_problems(bad, "must");
            assert!(got.iter().any(|m| m.contains(says)), "{bad}: {got:?}");
            assert_eq!(
                suite_problems(bad, "should"),
                Vec::<String>::new(),
                "{bad} at should"
            );
        }
    }
}
