//! Mutation testing of the reference server: which cases catch each flaw. The verdict is pure:
//! it compares a baseline report with one report per flaw.

pub mod render;

use serde::Serialize;

use crate::level::Level;
use crate::reference::flaws::{Flaw, Impact};
use crate::report::{CaseResult, CaseStatus};

/// A case that passed without the flaw and failed (or errored) with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catch {
    pub case: String,
    pub level: Level,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlawResult {
    pub name: &'static str,
    pub impact: &'static str,
    pub dialects: Vec<&'static str>,
    pub description: &'static str,
    pub caught_by: Vec<Catch>,
    /// A must-impact flaw needs a `must` case to catch it; any other flaw, any case.
    pub caught: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub must_impact: usize,
    pub must_caught: usize,
    pub should_impact: usize,
    pub should_caught: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MutantsReport {
    pub flaws: Vec<FlawResult>,
    pub score: Score,
    pub survivors: Vec<&'static str>,
}

fn key(case: &CaseResult) -> String {
    format!("{}/{}", case.suite, case.title())
}

/// The cases of `flawed` that passed in `baseline` and did not pass now.
pub fn catches(baseline: &[CaseResult], flawed: &[CaseResult]) -> Vec<Catch> {
    flawed
        .iter()
        .filter(|c| matches!(c.status, CaseStatus::Failed | CaseStatus::Errored))
        .filter(|c| {
            baseline
                .iter()
                .any(|b| key(b) == key(c) && b.status == CaseStatus::Passed)
        })
        .map(|c| Catch {
            case: key(c),
            level: c.level,
        })
        .collect()
}

pub fn flaw_result(flaw: Flaw, caught_by: Vec<Catch>) -> FlawResult {
    let caught = match flaw.impact() {
        Impact::Must => caught_by.iter().any(|c| c.level == Level::Must),
        Impact::Should => !caught_by.is_empty(),
    };
    FlawResult {
        name: flaw.name(),
        impact: match flaw.impact() {
            Impact::Must => "must",
            Impact::Should => "should",
        },
        dialects: flaw.dialects().to_vec(),
        description: flaw.description(),
        caught_by,
        caught,
    }
}

pub fn summarize(flaws: Vec<FlawResult>) -> MutantsReport {
    let mut score = Score::default();
    for f in &flaws {
        match f.impact {
            "must" => {
                score.must_impact += 1;
                score.must_caught += usize::from(f.caught);
            }
            _ => {
                score.should_impact += 1;
                score.should_caught += usize::from(f.caught);
            }
        }
    }
    let survivors = flaws.iter().filter(|f| !f.caught).map(|f| f.name).collect();
    MutantsReport {
        flaws,
        score,
        survivors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catch_is_a_case_that_passed_before_and_not_after() {
        let baseline = [
            CaseResult::sample("a", Level::Must, CaseStatus::Passed),
            CaseResult::sample("b", Level::Should, CaseStatus::Failed),
            CaseResult::sample("c", Level::Should, CaseStatus::Passed),
        ];
        let flawed = [
            CaseResult::sample("a", Level::Must, CaseStatus::Failed),
            CaseResult::sample("b", Level::Should, CaseStatus::Failed),
            CaseResult::sample("c", Level::Should, CaseStatus::Passed),
        ];
        let got = catches(&baseline, &flawed);
        assert_eq!(
            got,
            vec![Catch {
                case: "s/a [m]".into(),
                level: Level::Must
            }]
        );
    }

    #[test]
    fn must_impact_flaws_need_a_must_case() {
        let should_only = vec![Catch {
            case: "x".into(),
            level: Level::Should,
        }];
        assert!(!flaw_result(Flaw::ProtectedLeftPublic, should_only.clone()).caught);
        assert!(flaw_result(Flaw::UnknownUserFast, should_only).caught);
        let report = summarize(vec![
            flaw_result(Flaw::ProtectedLeftPublic, vec![]),
            flaw_result(
                Flaw::UnknownUserFast,
                vec![Catch {
                    case: "y".into(),
                    level: Level::Should,
                }],
            ),
        ]);
        assert_eq!(report.survivors, vec!["protected-left-public"]);
        assert_eq!(report.score.must_impact, 1);
        assert_eq!(report.score.must_caught, 0);
        assert_eq!(report.score.should_caught, 1);
    }
}
