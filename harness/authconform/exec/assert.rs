//! Judging one answer against an expectation. Pure: the runner hands in what came back.

use super::box_test::{BoxVerdict, Decision, MIN_SHIFT_MS, QUANTILE, alike_margin, box_test};
use crate::live_fuzz::{FuzzResult, paste_case};
use crate::plan::{Expectation, HeaderCheck, StatusCheck};
use crate::scenario::model::ChallengeSpec;
use authconform_authn::challenge::parse_challenges;

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The mock issuer's counts read right after the answer, when the case asks for them.
    pub fetches: Vec<(String, u64)>,
    /// Latencies in ms of this case's request and of its `timing.like` case's, sampled alternately.
    pub timing: Option<(Vec<f64>, Vec<f64>)>,
    /// What the case's fuzzing found, when it has a `fuzz` expectation.
    pub fuzz: Option<FuzzResult>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One unmet expectation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

fn mismatch(
    what: impl Into<String>,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Mismatch {
    Mismatch {
        what: what.into(),
        expected: expected.into(),
        actual: actual.into(),
    }
}

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
    for (name, check) in &expect.headers {
        let value = answer.header(name);
        let shown = || value.map_or_else(|| "absent".to_owned(), |v| format!("{v:?}"));
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
                shown(),
            ));
        }
    }
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
    if !expect.json.is_empty() {
        match serde_json::from_slice::<serde_json::Value>(&answer.body) {
            Err(_) => out.push(mismatch("body", "JSON", excerpt(&body))),
            Ok(doc) => {
                for (pointer, want) in &expect.json {
                    match doc.pointer(pointer) {
                        Some(got) if got == want => {}
                        Some(got) => out.push(mismatch(
                            format!("JSON {pointer}"),
                            want.to_string(),
                            got.to_string(),
                        )),
                        None => out.push(mismatch(
                            format!("JSON {pointer}"),
                            want.to_string(),
                            "missing",
                        )),
                    }
                }
            }
        }
    }
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
    if let Some(timing) = &expect.timing {
        let expected = format!(
            "latency like {} (fastest {:.0}% within {MIN_SHIFT_MS} ms, box test)",
            timing.like_name,
            QUANTILE * 100.0
        );
        match &answer.timing {
            None => out.push(mismatch("timing", expected, "not measured")),
            Some((own, like)) => {
                let v = box_test(own, like);
                if v.decision == Decision::Differ {
                    out.push(mismatch("timing", expected, figures(&v)));
                }
            }
        }
    }
    if let Some(plan) = &expect.fuzz {
        let expected = format!(
            "no 2xx, no 5xx and an answer for each of {} generated values",
            plan.cases
        );
        match &answer.fuzz {
            None => out.push(mismatch("fuzz", expected, "not run")),
            Some(result) => {
                if let Some(f) = &result.failure {
                    let replay = paste_case(plan.input, &plan.endpoint, &plan.reference, f);
                    out.push(mismatch(
                        "fuzz",
                        expected,
                        format!(
                            "{} for {:?} after {}; replay it with:\n{replay}",
                            f.what,
                            f.value,
                            result.summary()
                        ),
                    ));
                }
            }
        }
    }
    if let Some(spec) = &expect.challenge {
        out.extend(check_challenge(spec, answer));
    }
    if let (Some(other), Some((_, ignored))) = (partner, &expect.indistinguishable) {
        out.extend(differences(other, answer, ignored));
    } else if let Some(other) = partner {
        if other.status != answer.status {
            out.push(mismatch(
                "same_as status",
                other.status.to_string(),
                answer.status.to_string(),
            ));
        }
        if other.body != answer.body {
            out.push(mismatch(
                "same_as body",
                excerpt(&other.body_text()),
                excerpt(&body),
            ));
        }
    }
    out
}

/// How `answer` differs from `other` in status, headers (but `Date` and `ignored`) and body.
fn differences(other: &Answer, answer: &Answer, ignored: &[String]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if other.status != answer.status {
        out.push(mismatch(
            "indistinguishable status",
            other.status.to_string(),
            answer.status.to_string(),
        ));
    }
    let compared = |a: &Answer| {
        let mut headers: Vec<(String, String)> = a
            .headers
            .iter()
            .filter(|(k, _)| k != "date" && !ignored.contains(k))
            .cloned()
            .collect();
        headers.sort();
        headers
    };
    let (theirs, ours) = (compared(other), compared(answer));
    if theirs != ours {
        let only = |a: &[(String, String)], b: &[(String, String)]| {
            let list: Vec<String> = a
                .iter()
                .filter(|h| !b.contains(h))
                .map(|(k, v)| format!("{k}: {}", excerpt(v)))
                .collect();
            if list.is_empty() {
                "nothing else".to_owned()
            } else {
                list.join("; ")
            }
        };
        out.push(mismatch(
            "indistinguishable headers",
            only(&theirs, &ours),
            only(&ours, &theirs),
        ));
    }
    if other.body != answer.body {
        out.push(mismatch(
            "indistinguishable body",
            excerpt(&other.body_text()),
            excerpt(&answer.body_text()),
        ));
    }
    out
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

/// The box test's figures: each fast end with its interval, and the samples drawn.
fn figures(v: &BoxVerdict) -> String {
    format!(
        "fastest {:.0}%: {:.2} ms [{:.2}–{:.2}] vs {:.2} ms [{:.2}–{:.2}] over {}+{} samples",
        QUANTILE * 100.0,
        v.a.estimate,
        v.a.low,
        v.a.high,
        v.b.estimate,
        v.b.low,
        v.b.high,
        v.samples.0,
        v.samples.1
    )
}

/// Why a timing case that found no difference is not a pass either: its samples neither told the
/// requests apart nor showed them alike (within [`alike_margin`]) before the budget ran out.
pub fn timing_inconclusive(expect: &Expectation, answer: &Answer) -> Option<String> {
    expect.timing.as_ref()?;
    let (own, like) = answer.timing.as_ref()?;
    let v = box_test(own, like);
    (v.decision == Decision::Inconclusive).then(|| {
        format!(
            "timing inconclusive: {} — not apart by {MIN_SHIFT_MS} ms, not alike within \
             {:.2} ms; more `samples` or a quieter machine would decide",
            figures(&v),
            alike_margin(&v.a, &v.b)
        )
    })
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

/// The body as shown in reports: at most 200 characters.
pub fn excerpt(body: &str) -> String {
    const MAX: usize = 200;
    if body.chars().count() <= MAX {
        body.to_owned()
    } else {
        format!(
            "{}… ({} bytes)",
            body.chars().take(MAX).collect::<String>(),
            body.len()
        )
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
