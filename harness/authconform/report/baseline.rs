//! Known failures a team accepts for now: listed by case id, they do not fail the gate; new failures
//! do; listed cases that pass again are reported so the list can shrink.

use super::ReportFileError;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{CaseResult, CaseStatus, Report};
use crate::level::Gate;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Case ids, `suite/case [mode]`.
    pub known_failures: BTreeSet<String>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Failed cases the baseline lists: no longer failing the gate.
    pub tolerated: Vec<String>,
    /// Listed cases that passed: remove them from the baseline.
    pub fixed: Vec<String>,
    /// Listed cases the run does not have (renamed, removed, or not run).
    pub unknown: Vec<String>,
}

pub fn case_id(case: &CaseResult) -> String {
    format!("{}/{}", case.suite, case.title())
}

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, ReportFileError> {
        serde_json::from_str(text).map_err(|e| {
            ReportFileError::NotABaseline(format!(
                "not a baseline ({e}); `authconform baseline REPORT.json` writes one"
            ))
        })
    }

    /// Every failed or errored case of a report.
    pub fn from_report(report: &serde_json::Value) -> Result<Baseline, ReportFileError> {
        let cases = report
            .get("cases")
            .and_then(|c| c.as_array())
            .ok_or(ReportFileError::NotAReport("no `cases` array".to_owned()))?;
        let mut known = BTreeSet::new();
        for case in cases {
            let field = |k: &str| case.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            if matches!(field("status"), "failed" | "errored") {
                known.insert(format!(
                    "{}/{} [{}]",
                    field("suite"),
                    field("name"),
                    field("mode")
                ));
            }
        }
        Ok(Baseline {
            known_failures: known,
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The report with listed failures made non-gating (findings), and what changed.
    pub fn apply(&self, report: Report, gate: &Gate) -> (Report, Applied) {
        let mut applied = Applied::default();
        let mut seen = BTreeSet::new();
        let mut cases = report.cases;
        for case in &mut cases {
            let id = case_id(case);
            if !self.known_failures.contains(&id) {
                continue;
            }
            seen.insert(id.clone());
            match case.status {
                CaseStatus::Failed if case.gating => {
                    case.gating = false;
                    applied.tolerated.push(id);
                }
                CaseStatus::Failed => applied.tolerated.push(id),
                CaseStatus::Passed => applied.fixed.push(id),
                _ => {}
            }
        }
        applied.unknown = self
            .known_failures
            .iter()
            .filter(|id| !seen.contains(*id))
            .cloned()
            .collect();
        let report = Report::new(
            report.target,
            gate,
            report.duration_ms,
            report.interrupted,
            cases,
        );
        (report, applied)
    }
}

impl Applied {
    /// Lines for the terminal, after the report.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "baseline: {} known failure(s) tolerated",
            self.tolerated.len()
        );
        if !self.fixed.is_empty() {
            out.push_str(&format!(
                "; {} now pass — remove them from the baseline: {}",
                self.fixed.len(),
                self.fixed.join(", ")
            ));
        }
        if !self.unknown.is_empty() {
            out.push_str(&format!(
                "; {} not in this run: {}",
                self.unknown.len(),
                self.unknown.join(", ")
            ));
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;

    fn case(name: &str, status: CaseStatus) -> CaseResult {
        CaseResult::sample(name, Level::Should, status)
    }

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn listed_failures_stop_failing_the_gate_and_fixed_ones_are_named() {
        let gate = Gate::parse("should").unwrap();
        let report_of = |cases| Report::new("t".into(), &gate, 0, false, cases);
        let report = report_of(vec![
            case("known", CaseStatus::Failed),
            case("new", CaseStatus::Failed),
            case("fixed", CaseStatus::Passed),
        ]);
        assert_eq!(report.exit_code(), 1);
        let baseline = Baseline {
            known_failures: ids(&["s/known [m]", "s/fixed [m]", "s/gone [m]"]),
        };
        let (after, applied) = baseline.apply(report, &gate);
        assert_eq!(applied.tolerated, vec!["s/known [m]"]);
        assert_eq!(applied.fixed, vec!["s/fixed [m]"]);
        assert_eq!(applied.unknown, vec!["s/gone [m]"]);
        assert_eq!(after.exit_code(), 1, "the new failure still fails the gate");
        assert_eq!(after.summary.findings, 1);
        let only_known = Baseline {
            known_failures: ids(&["s/known [m]", "s/new [m]"]),
        };
        let report = report_of(vec![
            case("known", CaseStatus::Failed),
            case("new", CaseStatus::Failed),
        ]);
        assert_eq!(only_known.apply(report, &gate).0.exit_code(), 0);
        assert!(Baseline::parse("{\"known\": []}").is_err());
    }
}
