//! Checks of a case's expectations: status words, headers, bodies, JSON pointers, issuer counts,
//! timing and fuzz blocks, and their limits.

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use crate::duration::parse_duration;
use crate::fuzz::MAX_CASES;
use crate::scenario::model::{Case, FuzzSpec, HeaderSpec, StatusSpec, Suite, TimingSpec};
use crate::scenario::status_word::parse_status_word;

use super::{Checker, template};

/// Longest a fuzz case may take.
pub const MAX_FUZZ_WITHIN: std::time::Duration = std::time::Duration::from_secs(120);

fn check_fuzz(c: &mut Checker, case: &Case, fuzz: &FuzzSpec) {
    if let Some(cases) = &fuzz.cases
        && !(1..=MAX_CASES).contains(&cases.value)
    {
        c.report(
            &cases.referenced,
            format!("fuzz `cases: {}` is out of range", cases.value),
            format!("send 1 to {MAX_CASES} generated values"),
        );
    }
    if let Some(within) = &fuzz.within {
        match parse_duration(&within.value) {
            Ok(d) if !d.is_zero() && d <= MAX_FUZZ_WITHIN => {}
            _ => c.report(
                &within.referenced,
                format!(
                    "fuzz `within: {}` is not a duration up to 120s",
                    within.value
                ),
                "a duration such as 10s or 500ms, at most 120s",
            ),
        }
    }
    if case.request.auth.is_some() {
        c.report(
            &case.name.referenced,
            format!("fuzz case {:?} also sends a credential", case.name.value),
            "the fuzzer supplies the credential: drop `auth` from the request",
        );
    }
}

fn check_timing(c: &mut Checker, case: &Case, timing: &TimingSpec, names: &BTreeMap<&str, &Case>) {
    match names.get(timing.like.value.as_str()) {
        None => c.report(
            &timing.like.referenced,
            format!("`timing.like` names no case: {:?}", timing.like.value),
            "name another case of this suite",
        ),
        Some(other) if other.name.value == case.name.value => c.report(
            &timing.like.referenced,
            "a case cannot be timed against itself",
            "name the case whose latency this one must match",
        ),
        Some(_) => {}
    }
    if let Some(samples) = &timing.samples
        && !(MIN_SAMPLES..=MAX_SAMPLES).contains(&samples.value)
    {
        c.report(
            &samples.referenced,
            format!("`samples: {}` is out of range", samples.value),
            format!("between {MIN_SAMPLES} and {MAX_SAMPLES} requests of each case"),
        );
    }
    if let Some(within) = &timing.within {
        match parse_duration(&within.value) {
            Ok(d) if d <= MAX_TIMING => {}
            Ok(_) => c.report(
                &within.referenced,
                format!(
                    "`within: {}` is longer than {}s",
                    within.value,
                    MAX_TIMING.as_secs()
                ),
                "timing samples take at most a minute",
            ),
            Err(e) => c.report(&within.referenced, e.to_string(), "a duration such as 10s"),
        }
    }
}

pub const MIN_SAMPLES: u32 = 5;
pub const MAX_SAMPLES: u32 = 500;
/// Longest `timing.within`.
pub const MAX_TIMING: std::time::Duration = std::time::Duration::from_secs(60);

/// Longest `wait` a case may ask for.
pub const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// `"<= 1"`, `">= 2"`, `"3"` → (comparison, N).
pub fn parse_count(text: &str) -> Option<(std::cmp::Ordering, u64)> {
    let t = text.trim();
    let (ordering, rest) = if let Some(r) = t.strip_prefix("<=") {
        (std::cmp::Ordering::Less, r)
    } else if let Some(r) = t.strip_prefix(">=") {
        (std::cmp::Ordering::Greater, r)
    } else {
        (std::cmp::Ordering::Equal, t)
    };
    Some((ordering, rest.trim().parse().ok()?))
}

pub(super) fn check_expect(
    c: &mut Checker,
    suite: &Suite,
    case: &Case,
    names: &BTreeMap<&str, &Case>,
) {
    let expect = &case.expect;
    let http_expectations = expect.status.is_some()
        || !expect.headers.is_empty()
        || expect.body.is_some()
        || expect.same_as.is_some()
        || expect.indistinguishable_from.is_some()
        || expect.not_content_of.is_some()
        || expect.challenge.is_some()
        || expect.fuzz.is_some()
        || expect.timing.is_some();
    if expect.tls_error.is_some() && http_expectations {
        c.report(
            &case.name.referenced,
            format!(
                "case {:?} expects a TLS error and an HTTP answer",
                case.name.value
            ),
            "a request that fails in TLS has no status, headers or body: keep `tls_error` alone",
        );
    }
    if !http_expectations && expect.tls_error.is_none() && expect.fetches.is_empty() {
        c.report(
            &case.name.referenced,
            format!("case {:?} expects nothing", case.name.value),
            "add `expect: {status: …}` or another expectation",
        );
    }
    if let Some(status) = &expect.status {
        check_status(c, status);
    }
    for (name, spec) in &expect.headers {
        check_header(c, name, spec);
    }
    if let Some(body) = &expect.body {
        for t in body
            .contains
            .iter()
            .chain(&body.not_contains)
            .chain(&body.equals)
        {
            template(c, suite, t);
        }
        for pointer in body.json.keys() {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                c.report(
                    &case.name.referenced,
                    format!("{pointer:?} is not a JSON pointer"),
                    "JSON pointers start with `/`, e.g. `/user_id` (RFC 6901)",
                );
            }
        }
    }
    if let Some(timing) = &expect.timing {
        check_timing(c, case, timing, names);
    }
    if let Some(fuzz) = &expect.fuzz {
        check_fuzz(c, case, fuzz);
    }
    if let (Some(_), Some(other)) = (&expect.same_as, &expect.indistinguishable_from) {
        c.report(
            &other.referenced,
            "a case has either `same_as` or `indistinguishable_from`",
            "`indistinguishable_from` compares status and body too: keep it alone",
        );
    }
    if let Some(challenge) = &expect.challenge
        && (challenge.scheme.value.is_empty()
            || !challenge
                .scheme
                .value
                .bytes()
                .all(authconform_authn::challenge::is_tchar))
    {
        c.report(
            &challenge.scheme.referenced,
            format!("{:?} is not an auth-scheme", challenge.scheme.value),
            "a scheme is one token, e.g. `Basic` or `Bearer` (RFC 9110 §11.1)",
        );
    }
    let partners = [
        ("same_as", &expect.same_as),
        ("indistinguishable_from", &expect.indistinguishable_from),
        ("not_content_of", &expect.not_content_of),
    ];
    for (key, other) in partners {
        let Some(other) = other else { continue };
        match names.get(other.value.as_str()) {
            None => c.report(
                &other.referenced,
                format!("`{key}` names no case: {:?}", other.value),
                "name another case of this suite",
            ),
            Some(target) if target.name.value == case.name.value => c.report(
                &other.referenced,
                format!("a case cannot be `{key}` itself"),
                "name another case of this suite",
            ),
            Some(target) => {
                let runs_in = |k: &Case| -> Vec<String> {
                    k.modes.as_ref().map_or_else(
                        || suite.modes.iter().map(|m| m.value.clone()).collect(),
                        |m| m.iter().map(|t| t.value.clone()).collect(),
                    )
                };
                let theirs = runs_in(target);
                if let Some(missing) = runs_in(case).into_iter().find(|m| !theirs.contains(m)) {
                    c.report(
                        &other.referenced,
                        format!("case {:?} does not run in mode {missing:?}", other.value),
                        format!("both cases of `{key}` must run in the same modes"),
                    );
                }
            }
        }
    }
}

fn check_status(c: &mut Checker, status: &Spanned<StatusSpec>) {
    let at = &status.referenced;
    let bad_code = |code: &u16| !(100..=599).contains(code);
    match &status.value {
        StatusSpec::Code(code) if bad_code(code) => c.report(
            at,
            format!("{code} is not an HTTP status code"),
            "status codes run from 100 to 599",
        ),
        StatusSpec::AnyOf(codes) if codes.is_empty() => c.report(
            at,
            "the list of statuses is empty",
            "write at least one code",
        ),
        StatusSpec::AnyOf(codes) if codes.iter().any(bad_code) => c.report(
            at,
            "the list has a number that is not an HTTP status code",
            "status codes run from 100 to 599",
        ),
        StatusSpec::Class(class) if parse_status_word(class).is_none() => c.report(
            at,
            format!("{class:?} is not a status class"),
            "write a class as 1xx, 2xx, 3xx, 4xx or 5xx, `not 2xx` for any other, or \
             `not 401, 403` for any status but those",
        ),
        _ => {}
    }
}

fn check_header(c: &mut Checker, name: &str, spec: &Spanned<HeaderSpec>) {
    let at = &spec.referenced;
    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        c.report(
            at,
            format!("{name:?} is not a valid header name"),
            "header names are tokens: letters, digits and -",
        );
    }
    match &spec.value {
        HeaderSpec::Word(w) if w != "present" && w != "absent" => c.report(
            at,
            format!("{w:?} is not a header expectation"),
            "write `present`, `absent`, or `{equals: …}`, `{contains: …}`, `{matches: <regex>}`",
        ),
        HeaderSpec::Rule(rule) => {
            let given = [
                rule.equals.is_some(),
                rule.contains.is_some(),
                rule.matches.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if given != 1 {
                c.report(
                    at,
                    "a header rule needs exactly one of `equals`, `contains`, `matches`",
                    "split several conditions over several cases",
                );
            }
            if let Some(Err(e)) = rule.matches.as_deref().map(regex::Regex::new) {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                c.report(
                    at,
                    format!("the regex does not compile: {first}"),
                    "the syntax is that of the Rust regex crate",
                );
            }
        }
        HeaderSpec::Word(_) => {}
    }
}
