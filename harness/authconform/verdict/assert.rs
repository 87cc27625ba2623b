//! Judging one answer against an expectation: status, headers, body, JSON, issuer fetches and
//! challenges here; timing and fuzzing in [`super::measured`], comparisons with a partner case in
//! [`super::compare`]. Pure: the runner hands in what came back.

use super::outcome::Answer;
use super::shown::{excerpt, mismatch};
use super::{compare, measured};
use crate::plan::{Expectation, HeaderCheck, StatusCheck};
use crate::report::model::Mismatch;
use crate::scenario::model::ChallengeSpec;
use authconform_authn::challenge::parse_challenges;

/// Every way `answer` misses `expect`. `partner` is the answer of the case named by `same_as` or
/// `indistinguishable_from`.
pub fn check(expect: &Expectation, answer: &Answer, partner: Option<&Answer>) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(kind) = expect.tls_error {
        out.push(mismatch(
            "tls_error",
            kind.name(),
            format!("an HTTP answer, status {}", answer.status),
        ));
    }
    if let Some(status) = &expect.status
        && !status_matches(status, answer.status)
    {
        out.push(mismatch(
            "status",
            describe_status(status),
            answer.status.to_string(),
        ));
    }
    check_headers(expect, answer, &mut out);
    check_body(expect, answer, &mut out);
    check_fetches(expect, answer, &mut out);
    if let Some(timing) = &expect.timing {
        out.extend(measured::check_timing(timing, answer));
    }
    if let Some(plan) = &expect.fuzz {
        out.extend(measured::check_fuzz(plan, answer));
    }
    if let Some(spec) = &expect.challenge {
        out.extend(check_challenge(spec, answer));
    }
    if let Some(other) = partner {
        out.extend(match (&expect.not_content_of, &expect.indistinguishable) {
            (Some((_, replay)), _) => compare::not_content_of(other, answer, replay),
            (None, Some((_, ignored))) => compare::differences(other, answer, ignored),
            (None, None) => compare::same_as(other, answer),
        });
    }
    out
}

fn check_headers(expect: &Expectation, answer: &Answer, out: &mut Vec<Mismatch>) {
    for (name, check) in &expect.headers {
        let value = answer.header(name);
        let ok = match (check, value) {
            (HeaderCheck::Present, v) => v.is_some(),
            (HeaderCheck::Absent, v) => v.is_none(),
            (HeaderCheck::Equals(want), Some(v)) => v == want,
            (HeaderCheck::Contains(want), Some(v)) => v.contains(want.as_str()),
            (HeaderCheck::Matches(re), Some(v)) => re.is_match(v),
            (_, None) => false,
        };
        if !ok {
            out.push(mismatch(
                format!("header {name}"),
                describe_header(check),
                value.map_or_else(|| "absent".to_owned(), |v| format!("{v:?}")),
            ));
        }
    }
}

fn check_body(expect: &Expectation, answer: &Answer, out: &mut Vec<Mismatch>) {
    let body = answer.body_text();
    for want in &expect.body_contains {
        if !body.contains(want.as_str()) {
            out.push(mismatch(
                "body",
                format!("contains {want:?}"),
                excerpt(&body),
            ));
        }
    }
    for unwanted in &expect.body_not_contains {
        if body.contains(unwanted.as_str()) {
            out.push(mismatch(
                "body",
                format!("does not contain {unwanted:?}"),
                excerpt(&body),
            ));
        }
    }
    if let Some(want) = &expect.body_equals
        && body != *want
    {
        out.push(mismatch("body", format!("equals {want:?}"), excerpt(&body)));
    }
    if expect.json.is_empty() {
        return;
    }
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
        out.push(mismatch("body", "JSON", excerpt(&body)));
        return;
    };
    for (pointer, want) in &expect.json {
        let got = doc
            .pointer(pointer)
            .map_or_else(|| "missing".to_owned(), ToString::to_string);
        if doc.pointer(pointer) != Some(want) {
            out.push(mismatch(format!("JSON {pointer}"), want.to_string(), got));
        }
    }
}

fn check_fetches(expect: &Expectation, answer: &Answer, out: &mut Vec<Mismatch>) {
    for (name, ordering, n) in &expect.fetches {
        let got = answer
            .fetches
            .iter()
            .find(|(k, _)| k == name)
            .map_or(0, |(_, v)| *v);
        let (ok, shown) = match ordering {
            std::cmp::Ordering::Less => (got <= *n, format!("<= {n}")),
            std::cmp::Ordering::Greater => (got >= *n, format!(">= {n}")),
            std::cmp::Ordering::Equal => (got == *n, n.to_string()),
        };
        if !ok {
            out.push(mismatch(
                format!("issuer fetches of {name}"),
                shown,
                got.to_string(),
            ));
        }
    }
}

/// The challenge named by `spec` among all `WWW-Authenticate` values, with its parameters.
fn check_challenge(spec: &ChallengeSpec, answer: &Answer) -> Vec<Mismatch> {
    let values: Vec<&str> = answer
        .headers
        .iter()
        .filter(|(k, _)| k == "www-authenticate")
        .map(|(_, v)| v.as_str())
        .collect();
    let scheme = &spec.scheme.value;
    let shown = if values.is_empty() {
        "no WWW-Authenticate".to_owned()
    } else {
        excerpt(&values.join(", "))
    };
    let mut parsed = Vec::new();
    for value in &values {
        match parse_challenges(value) {
            Ok(list) => parsed.extend(list),
            Err(e) => {
                return vec![mismatch(
                    "challenge",
                    format!("a {scheme} challenge"),
                    format!("unparsable WWW-Authenticate ({e}): {shown}"),
                )];
            }
        }
    }
    let Some(found) = parsed
        .iter()
        .find(|c| c.scheme.eq_ignore_ascii_case(scheme))
    else {
        return vec![mismatch(
            "challenge",
            format!("a {scheme} challenge"),
            shown,
        )];
    };
    let wanted = spec
        .realm
        .iter()
        .map(|v| ("realm", v))
        .chain(spec.error.iter().map(|v| ("error", v)))
        .chain(spec.params.iter().map(|(k, v)| (k.as_str(), v)));
    let mut out = Vec::new();
    for (name, want) in wanted {
        let got = found.param(name);
        let ok = match (want.as_str(), got) {
            ("present", got) => got.is_some(),
            ("absent", got) => got.is_none(),
            (want, Some(got)) => want == got,
            (_, None) => false,
        };
        if !ok {
            out.push(mismatch(
                format!("challenge {scheme} {name}"),
                want.clone(),
                got.map_or_else(|| "absent".to_owned(), |g| format!("{g:?}")),
            ));
        }
    }
    out
}

pub fn status_matches(check: &StatusCheck, status: u16) -> bool {
    match check {
        StatusCheck::Code(c) => *c == status,
        StatusCheck::AnyOf(list) => list.contains(&status),
        StatusCheck::Class(class) => status / 100 == *class,
        StatusCheck::NotClass(class) => status / 100 != *class,
        StatusCheck::NoneOf(list) => !list.contains(&status),
    }
}

pub fn describe_status(check: &StatusCheck) -> String {
    match check {
        StatusCheck::Code(c) => c.to_string(),
        StatusCheck::AnyOf(list) => list
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" or "),
        StatusCheck::Class(class) => format!("{class}xx"),
        StatusCheck::NotClass(class) => format!("not {class}xx"),
        StatusCheck::NoneOf(list) => format!(
            "not {}",
            list.iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn describe_header(check: &HeaderCheck) -> String {
    match check {
        HeaderCheck::Present => "present".into(),
        HeaderCheck::Absent => "absent".into(),
        HeaderCheck::Equals(v) => format!("equals {v:?}"),
        HeaderCheck::Contains(v) => format!("contains {v:?}"),
        HeaderCheck::Matches(re) => format!("matches /{re}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
        Answer {
            fetches: Vec::new(),
            timing: None,
            fuzz: None,
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn status_forms() {
        assert!(status_matches(&StatusCheck::Code(403), 403));
        assert!(status_matches(&StatusCheck::AnyOf(vec![401, 403]), 401));
        assert!(!status_matches(&StatusCheck::AnyOf(vec![401, 403]), 200));
        assert!(status_matches(&StatusCheck::Class(4), 418));
        assert!(!status_matches(&StatusCheck::Class(4), 500));
        assert!(status_matches(&StatusCheck::NotClass(2), 401));
        assert!(status_matches(&StatusCheck::NotClass(2), 404));
        assert!(!status_matches(&StatusCheck::NotClass(2), 204));
        let not_refused = StatusCheck::NoneOf(vec![401, 403]);
        assert!(status_matches(&not_refused, 200));
        assert!(status_matches(&not_refused, 404));
        assert!(!status_matches(&not_refused, 403));
        assert_eq!(describe_status(&not_refused), "not 401, 403");
    }

    #[test]
    fn every_kind_of_mismatch_is_reported() {
        let expect = Expectation {
            status: Some(StatusCheck::Code(401)),
            headers: vec![
                ("www-authenticate".into(), HeaderCheck::Present),
                (
                    "content-type".into(),
                    HeaderCheck::Matches(regex::Regex::new("^text/").unwrap()),
                ),
            ],
            body_contains: vec!["Unauthorized".into()],
            body_not_contains: vec!["Forbidden".into()],
            json: vec![("/error".into(), serde_json::json!("Unauthorized"))],
            ..Default::default()
        };
        let got = answer(
            403,
            &[("content-type", "application/json")],
            r#"{"error":"AuthError","message":"Forbidden"}"#,
        );
        let found = check(&expect, &got, None);
        let whats: Vec<&str> = found.iter().map(|m| m.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "status",
                "header www-authenticate",
                "header content-type",
                "body",
                "body",
                "JSON /error"
            ]
        );
        assert_eq!(found[0], mismatch("status", "401", "403"));
    }

    #[test]
    fn same_as_compares_status_and_body() {
        let a = answer(403, &[], "x");
        assert!(
            check(
                &Expectation::default(),
                &a,
                Some(&answer(403, &[("date", "y")], "x"))
            )
            .is_empty()
        );
        let found = check(&Expectation::default(), &a, Some(&answer(401, &[], "y")));
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn indistinguishable_compares_headers_but_date_and_the_ignored_ones() {
        let expect = Expectation {
            indistinguishable: Some((0, vec!["x-request-id".into()])),
            ..Default::default()
        };
        let first = answer(
            401,
            &[
                ("date", "a"),
                ("x-request-id", "1"),
                ("www-authenticate", "Bearer"),
            ],
            "no",
        );
        let same = answer(
            401,
            &[
                ("www-authenticate", "Bearer"),
                ("date", "b"),
                ("x-request-id", "2"),
            ],
            "no",
        );
        assert!(check(&expect, &same, Some(&first)).is_empty());
        let telling = answer(
            401,
            &[(
                "www-authenticate",
                "Bearer error=\"invalid_token\", error_description=\"expired\"",
            )],
            "no",
        );
        let found = check(&expect, &telling, Some(&first));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].what, "indistinguishable headers");
        assert_eq!(found[0].expected, "www-authenticate: Bearer");
        assert!(found[0].actual.contains("expired"), "{found:?}");
        let other_body = answer(401, &[("www-authenticate", "Bearer")], "unknown user");
        let found = check(&expect, &other_body, Some(&first));
        assert_eq!(found[0].what, "indistinguishable body");
    }

    fn challenge(scheme: &str, realm: Option<&str>, error: Option<&str>) -> Expectation {
        Expectation {
            challenge: Some(ChallengeSpec {
                scheme: serde_saphyr::Spanned {
                    value: scheme.into(),
                    referenced: serde_saphyr::Location::UNKNOWN,
                    defined: serde_saphyr::Location::UNKNOWN,
                },
                realm: realm.map(Into::into),
                error: error.map(Into::into),
                params: Default::default(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_challenge_is_found_among_several_and_its_parameters_checked() {
        let got = answer(
            401,
            &[
                ("www-authenticate", "Basic realm=\"db\""),
                (
                    "www-authenticate",
                    "Newauth a=b, bearer realm=\"api\", error=invalid_token",
                ),
            ],
            "",
        );
        let ok = challenge("Bearer", Some("present"), Some("invalid_token"));
        assert!(check(&ok, &got, None).is_empty());
        let found = check(&challenge("Bearer", Some("db"), Some("absent")), &got, None);
        let whats: Vec<&str> = found.iter().map(|m| m.what.as_str()).collect();
        assert_eq!(whats, ["challenge Bearer realm", "challenge Bearer error"]);
        assert_eq!(found[0].actual, "\"api\"");
        let found = check(&challenge("Digest", None, None), &got, None);
        assert_eq!(found[0].expected, "a Digest challenge");
    }

    #[test]
    fn a_missing_or_unparsable_challenge_is_a_mismatch_not_a_panic() {
        let none = check(
            &challenge("Bearer", None, None),
            &answer(401, &[], ""),
            None,
        );
        assert_eq!(none[0].actual, "no WWW-Authenticate");
        let bad = answer(401, &[("www-authenticate", "Bearer realm=\"open")], "");
        let found = check(&challenge("Bearer", None, None), &bad, None);
        assert!(
            found[0].actual.starts_with("unparsable WWW-Authenticate"),
            "{found:?}"
        );
    }

    #[test]
    fn matching_answer_passes() {
        let expect = Expectation {
            status: Some(StatusCheck::Class(2)),
            headers: vec![("www-authenticate".into(), HeaderCheck::Absent)],
            json: vec![("/user_id".into(), serde_json::json!("admin"))],
            body_equals: Some(r#"{"user_id":"admin"}"#.into()),
            ..Default::default()
        };
        assert!(check(&expect, &answer(200, &[], r#"{"user_id":"admin"}"#), None).is_empty());
    }

    #[test]
    fn long_bodies_are_cut() {
        let long = "a".repeat(500);
        assert!(excerpt(&long).ends_with("(500 bytes)"));
    }
}
