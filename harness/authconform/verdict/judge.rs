//! Judging what came back: each planned case's outcome against its expectation, `same_as`
//! partners and TLS causes, into report rows in file order with secrets masked.

use super::assert::{check, describe_status};
use super::outcome::{Answer, Outcome};
use crate::level::Gate;
use crate::plan::{Expectation, PlannedCase, Skip};
use crate::report::model::Mismatch;
use crate::report::{CaseResult, CaseStatus, Redactor};
use crate::scenario::load::LoadedSuite;

/// Judges the outcomes and orders them: suites in file order, each suite's modes in its order,
/// cases in file order.
pub fn assemble(
    suites: &[LoadedSuite],
    results: Vec<Vec<(PlannedCase, Outcome, u64)>>,
    skips: Vec<Skip>,
    redactor: &Redactor,
    sent: &Redactor,
    gate: &Gate,
) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for (suite_index, loaded) in suites.iter().enumerate() {
        let suite = &loaded.suite;
        for mode in &suite.modes {
            if let Some(skip) = skips
                .iter()
                .find(|s| s.suite == suite_index && s.mode == mode.value)
            {
                for case in suite.cases.iter().filter(|c| {
                    c.modes
                        .as_ref()
                        .is_none_or(|m| m.iter().any(|t| t.value == mode.value))
                }) {
                    out.push(CaseResult {
                        suite: suite.suite.value.clone(),
                        file: loaded.path.display().to_string(),
                        name: case.name.value.clone(),
                        line: case.name.referenced.line(),
                        mode: mode.value.clone(),
                        level: case.level.value,
                        reference: case.reference_text(),
                        status: CaseStatus::Skipped,
                        duration_ms: 0,
                        gating: gate.fails_on(case.level.value),
                        request: None,
                        expected: None,
                        actual: None,
                        mismatches: Vec::new(),
                        reason: Some(redactor.redact(&skip.reason)),
                        status_code: None,
                        cell: case.cell.clone(),
                    });
                }
                continue;
            }
            let in_mode = results
                .iter()
                .flat_map(|group| group.iter().map(move |r| (group, r)));
            for (group, (planned, outcome, ms)) in
                in_mode.filter(|(_, (c, _, _))| c.suite == suite_index && c.mode == mode.value)
            {
                let case = &suite.cases[planned.case];
                let name = match &planned.endpoint {
                    Some(endpoint) => format!("{} @{endpoint}", case.name.value),
                    None => case.name.value.clone(),
                };
                let mut result = CaseResult {
                    suite: suite.suite.value.clone(),
                    file: loaded.path.display().to_string(),
                    name,
                    line: case.name.referenced.line(),
                    mode: mode.value.clone(),
                    level: planned.level,
                    reference: case.reference_text(),
                    status: CaseStatus::Passed,
                    duration_ms: *ms,
                    gating: gate.fails_on(planned.level),
                    request: Some(planned.request.describe(redactor)),
                    expected: None,
                    actual: None,
                    mismatches: Vec::new(),
                    reason: None,
                    status_code: None,
                    cell: planned.cell.clone().or_else(|| case.cell.clone()),
                };
                if let Some(why) = &planned.skip {
                    result.status = CaseStatus::Skipped;
                    result.reason = Some(redactor.redact(why));
                    out.push(result);
                    continue;
                }
                let partner = planned
                    .expect
                    .same_as
                    .or(planned.expect.indistinguishable.as_ref().map(|(i, _)| *i))
                    .or(planned.expect.not_content_of.as_ref().map(|(i, _)| *i));
                let same_as =
                    partner
                        .and_then(|i| group.get(i))
                        .map(|(_, outcome, _)| match outcome {
                            Outcome::Answered(a) => Ok(a),
                            Outcome::TlsFailed(kind, e) => Err(format!("{}: {e}", kind.name())),
                            Outcome::Errored(e) => Err(e.clone()),
                        });
                let verdict = judge_outcome(&planned.expect, outcome, same_as, redactor, sent);
                result.status = verdict.status;
                result.expected = verdict.expected;
                result.actual = verdict.actual;
                result.mismatches = verdict.mismatches;
                result.reason = verdict.reason;
                result.status_code = verdict.status_code;
                out.push(result);
            }
        }
    }
    out
}

/// What one case's outcome comes to; every text already masked.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseVerdict {
    pub status: CaseStatus,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub mismatches: Vec<Mismatch>,
    pub reason: Option<String>,
    pub status_code: Option<u16>,
}

/// Judges one case: its outcome, and the outcome of the case it is compared with (`same_as`,
/// `indistinguishable_from`) as that case's answer or why there is none. `redactor` masks every
/// secret of the run; `sent` holds the credentials this run sent, which no answer may echo.
pub fn judge_outcome(
    expect: &Expectation,
    outcome: &Outcome,
    partner: Option<Result<&Answer, String>>,
    redactor: &Redactor,
    sent: &Redactor,
) -> CaseVerdict {
    let mut v = CaseVerdict {
        status: CaseStatus::Passed,
        expected: None,
        actual: None,
        mismatches: Vec::new(),
        reason: None,
        status_code: None,
    };
    let expected_tls = expect.tls_error;
    match (outcome, partner) {
        (Outcome::TlsFailed(kind, e), _) if expected_tls.is_some() => {
            let want = expected_tls.map_or("", |k| k.name());
            v.expected = Some(format!("tls_error {want}"));
            v.actual = Some(redactor.redact(&format!("tls_error {}: {e}", kind.name())));
            if expected_tls != Some(*kind) {
                v.status = CaseStatus::Failed;
                v.mismatches = vec![Mismatch {
                    what: "tls_error".into(),
                    expected: want.into(),
                    actual: redactor.redact(&format!("{}: {e}", kind.name())),
                }];
            }
        }
        (Outcome::TlsFailed(kind, e), _) => {
            v.status = CaseStatus::Errored;
            v.reason = Some(redactor.redact(&format!("TLS failure ({}): {e}", kind.name())));
        }
        (Outcome::Errored(e), _) => {
            v.status = CaseStatus::Errored;
            v.reason = Some(redactor.redact(e));
        }
        (Outcome::Answered(_), Some(Err(e))) => {
            v.status = CaseStatus::Errored;
            v.reason = Some(redactor.redact(&format!("the case it is compared with errored: {e}")));
        }
        (Outcome::Answered(answer), same) => {
            v.status_code = Some(answer.status);
            let same = same.and_then(Result::ok);
            let mut mismatches = check(expect, answer, same);
            mismatches.extend(echo(answer, sent));
            v.expected = Some(redactor.redact(&describe_expected(expect, same.is_some())));
            v.actual = Some(redactor.redact(&describe_actual(answer)));
            let inconclusive = super::measured::timing_inconclusive(expect, answer);
            if let (true, Some(why)) = (mismatches.is_empty(), inconclusive) {
                v.status = CaseStatus::Skipped;
                v.reason = Some(why);
            } else if !mismatches.is_empty() {
                v.status = CaseStatus::Failed;
                v.mismatches = mismatches
                    .into_iter()
                    .map(|mut m| {
                        m.expected = redactor.redact(&m.expected);
                        m.actual = redactor.redact(&m.actual);
                        m
                    })
                    .collect();
            }
        }
    }
    v
}

/// The leak canary: an answer must never carry back a credential the run sent.
fn echo(answer: &Answer, sent: &Redactor) -> Option<Mismatch> {
    let mut places: Vec<String> = answer
        .headers
        .iter()
        .filter(|(_, v)| sent.echoed_in_header(v))
        .map(|(k, _)| format!("header {k}"))
        .collect();
    if sent.echoed_in(&answer.body_text()) {
        places.push("body".into());
    }
    (!places.is_empty()).then(|| Mismatch {
        what: "credential echo".into(),
        expected: "no password, token or key the run sent".into(),
        actual: format!("one in the answer's {} (masked)", places.join(", ")),
    })
}

fn describe_expected(e: &Expectation, same_as: bool) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &e.status {
        parts.push(format!("status {}", describe_status(s)));
    }
    if !e.headers.is_empty() {
        parts.push(format!("{} header rule(s)", e.headers.len()));
    }
    if !e.body_contains.is_empty()
        || !e.body_not_contains.is_empty()
        || e.body_equals.is_some()
        || !e.json.is_empty()
    {
        parts.push("body rules".into());
    }
    if let Some(c) = &e.challenge {
        parts.push(format!("a {} challenge", c.scheme.value));
    }
    if same_as && e.not_content_of.is_some() {
        parts.push("no 2xx with the content its authenticated partner got".into());
    } else if same_as && e.indistinguishable.is_some() {
        parts.push("the same status, headers and body as its uniform partner".into());
    } else if same_as {
        parts.push("same status and body as its same_as case".into());
    }
    parts.join(", ")
}

fn describe_actual(answer: &Answer) -> String {
    let fuzzed = answer
        .fuzz
        .as_ref()
        .map(|f| format!("; fuzz: {}", f.summary()))
        .unwrap_or_default();
    format!(
        "status {}, body {}{fuzzed}",
        answer.status,
        super::shown::excerpt(&answer.body_text())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::StatusCheck;
    use crate::scenario::model::TlsError;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: body.as_bytes().to_vec(),
            fetches: Vec::new(),
            timing: None,
            fuzz: None,
        }
    }

    fn refused() -> Expectation {
        Expectation {
            status: Some(StatusCheck::NotClass(2)),
            ..Expectation::default()
        }
    }

    fn secrets() -> Redactor {
        let mut r = Redactor::default();
        r.add("hunter2-secret");
        r
    }

    #[test]
    fn an_answer_that_meets_the_expectation_passes() {
        let v = judge_outcome(
            &refused(),
            &Outcome::Answered(answer(401, "no")),
            None,
            &secrets(),
            &Redactor::default(),
        );
        assert_eq!(v.status, CaseStatus::Passed);
        assert_eq!(v.status_code, Some(401));
        assert!(v.mismatches.is_empty());
    }

    #[test]
    fn an_open_endpoint_fails_with_the_status_named() {
        let v = judge_outcome(
            &refused(),
            &Outcome::Answered(answer(200, "the data")),
            None,
            &secrets(),
            &Redactor::default(),
        );
        assert_eq!(v.status, CaseStatus::Failed);
        assert_eq!(v.mismatches.len(), 1);
        assert_eq!(v.mismatches[0].what, "status");
        assert_eq!(v.mismatches[0].expected, "not 2xx");
        assert_eq!(v.mismatches[0].actual, "200");
    }

    #[test]
    fn an_echoed_credential_fails_and_is_masked_everywhere() {
        let sent = secrets();
        let v = judge_outcome(
            &refused(),
            &Outcome::Answered(answer(401, "wrong password hunter2-secret")),
            None,
            &sent,
            &sent,
        );
        assert_eq!(v.status, CaseStatus::Failed);
        assert!(v.mismatches.iter().any(|m| m.what == "credential echo"));
        let shown = format!("{v:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
    }

    #[test]
    fn no_answer_is_an_error_not_a_pass_and_its_reason_is_masked() {
        let v = judge_outcome(
            &refused(),
            &Outcome::Errored("connection reset after sending hunter2-secret".into()),
            None,
            &secrets(),
            &Redactor::default(),
        );
        assert_eq!(v.status, CaseStatus::Errored);
        let reason = v.reason.unwrap();
        assert!(reason.contains("connection reset"), "{reason}");
        assert!(!reason.contains("hunter2-secret"), "{reason}");
    }

    #[test]
    fn a_partner_that_errored_makes_the_comparison_an_error() {
        let expect = Expectation {
            same_as: Some(0),
            ..refused()
        };
        let v = judge_outcome(
            &expect,
            &Outcome::Answered(answer(401, "no")),
            Some(Err("timed out".into())),
            &secrets(),
            &Redactor::default(),
        );
        assert_eq!(v.status, CaseStatus::Errored);
        assert!(v.reason.unwrap().contains("timed out"));
    }

    #[test]
    fn same_as_compares_status_and_body_with_the_partner() {
        let expect = Expectation {
            same_as: Some(0),
            ..refused()
        };
        let partner = answer(401, "unknown user");
        let v = judge_outcome(
            &expect,
            &Outcome::Answered(answer(401, "wrong password")),
            Some(Ok(&partner)),
            &secrets(),
            &Redactor::default(),
        );
        assert_eq!(v.status, CaseStatus::Failed);
        assert_eq!(v.mismatches[0].what, "same_as body");
    }

    #[test]
    fn tls_failures_pass_only_for_the_expected_cause() {
        let expect = Expectation {
            tls_error: Some(TlsError::UnknownIssuer),
            ..Expectation::default()
        };
        let same = Outcome::TlsFailed(TlsError::UnknownIssuer, "invalid peer certificate".into());
        let other = Outcome::TlsFailed(TlsError::Expired, "certificate expired".into());
        let unexpected = Outcome::TlsFailed(TlsError::UnknownIssuer, "unknown issuer".into());
        let r = Redactor::default();
        assert_eq!(
            judge_outcome(&expect, &same, None, &r, &r).status,
            CaseStatus::Passed
        );
        let v = judge_outcome(&expect, &other, None, &r, &r);
        assert_eq!(v.status, CaseStatus::Failed);
        assert_eq!(v.mismatches[0].what, "tls_error");
        assert_eq!(
            judge_outcome(&refused(), &unexpected, None, &r, &r).status,
            CaseStatus::Errored,
            "a TLS failure where an answer was expected is no verdict"
        );
    }
}
