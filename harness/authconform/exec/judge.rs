//! Judging what came back: each planned case's outcome against its expectation, `same_as`
//! partners and TLS causes, into report rows in file order with secrets masked.

use super::assert::{Answer, Mismatch, check, describe_status};
use super::runner::Outcome;
use crate::level::Gate;
use crate::plan::{PlannedCase, Skip};
use crate::report::{CaseResult, CaseStatus, Redactor};
use crate::scenario::load::LoadedSuite;

/// Judges the outcomes and orders them: suites in file order, each suite's modes in its order,
/// cases in file order.
pub(super) fn assemble(
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
                    request: Some(redactor.describe_request(&planned.request)),
                    expected: None,
                    actual: None,
                    mismatches: Vec::new(),
                    reason: None,
                    status_code: None,
                    cell: case.cell.clone(),
                };
                let partner = planned.expect.same_as.or(planned
                    .expect
                    .indistinguishable
                    .as_ref()
                    .map(|(i, _)| *i));
                let same_as =
                    partner
                        .and_then(|i| group.get(i))
                        .map(|(_, outcome, _)| match outcome {
                            Outcome::Answered(a) => Ok(a),
                            Outcome::TlsFailed(kind, e) => Err(format!("{}: {e}", kind.name())),
                            Outcome::Errored(e) => Err(e.clone()),
                        });
                let expected_tls = planned.expect.tls_error;
                match (outcome, same_as) {
                    (Outcome::TlsFailed(kind, e), _) if expected_tls.is_some() => {
                        let want = expected_tls.map_or("", |k| k.name());
                        result.expected = Some(format!("tls_error {want}"));
                        result.actual =
                            Some(redactor.redact(&format!("tls_error {}: {e}", kind.name())));
                        if expected_tls != Some(*kind) {
                            result.status = CaseStatus::Failed;
                            result.mismatches = vec![Mismatch {
                                what: "tls_error".into(),
                                expected: want.into(),
                                actual: redactor.redact(&format!("{}: {e}", kind.name())),
                            }];
                        }
                    }
                    (Outcome::TlsFailed(kind, e), _) => {
                        result.status = CaseStatus::Errored;
                        result.reason =
                            Some(redactor.redact(&format!("TLS failure ({}): {e}", kind.name())));
                    }
                    (Outcome::Errored(e), _) => {
                        result.status = CaseStatus::Errored;
                        result.reason = Some(redactor.redact(e));
                    }
                    (Outcome::Answered(_), Some(Err(e))) => {
                        result.status = CaseStatus::Errored;
                        result.reason = Some(
                            redactor.redact(&format!("the case it is compared with errored: {e}")),
                        );
                    }
                    (Outcome::Answered(answer), same) => {
                        result.status_code = Some(answer.status);
                        let same = same.and_then(Result::ok);
                        let mut mismatches = check(&planned.expect, answer, same);
                        mismatches.extend(echo(answer, sent));
                        result.expected =
                            Some(redactor.redact(&describe_expected(planned, same.is_some())));
                        result.actual = Some(redactor.redact(&describe_actual(answer)));
                        let inconclusive =
                            super::assert::timing_inconclusive(&planned.expect, answer);
                        if let (true, Some(why)) = (mismatches.is_empty(), inconclusive) {
                            result.status = CaseStatus::Skipped;
                            result.reason = Some(why);
                        } else if !mismatches.is_empty() {
                            result.status = CaseStatus::Failed;
                            result.mismatches = mismatches
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
                out.push(result);
            }
        }
    }
    out
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

fn describe_expected(planned: &PlannedCase, same_as: bool) -> String {
    let e = &planned.expect;
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
    if same_as && e.indistinguishable.is_some() {
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
        super::assert::excerpt(&answer.body_text())
    )
}
