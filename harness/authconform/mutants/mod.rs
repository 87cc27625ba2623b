//! Mutation testing of the reference server: which cases catch each flaw. The verdict is pure:
//! it compares a baseline report with one report per flaw.

pub mod render;
pub mod run;

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
    /// Catching cases at the flaw's level that are independent of each other (see
    /// [`independent`]): one regression in a single case must not let a flaw through.
    pub independent: usize,
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
    /// Caught flaws with fewer than `min_independent` independent catching cases.
    pub thin: Vec<&'static str>,
    pub min_independent: usize,
    /// The case filters the suites were narrowed by (`--case`, `--suite`, …), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
}

/// Independent catching cases every flaw should have, by default.
pub const MIN_INDEPENDENT: usize = 2;

/// The request a catching case stands for: its suite and case name without what repeats the same
/// request — the mode (`[basic]`), the endpoint of a role case (`@whoami`), the `uniform:` copy and
/// the `-message` / `-status` sibling that checks the same answer's text or code.
fn request_of(case: &str) -> String {
    let case = case.split(" [").next().unwrap_or(case);
    let case = case.split(" @").next().unwrap_or(case);
    let case = case.replacen("/uniform:", "/", 1);
    ["-message", "-status"].iter().fold(case, |c, suffix| {
        c.strip_suffix(suffix).map_or(c.clone(), str::to_owned)
    })
}

/// How many different requests, at the level that counts for `impact`, catch a flaw.
pub fn independent(caught_by: &[Catch], impact: Impact) -> usize {
    let mut requests: Vec<String> = caught_by
        .iter()
        .filter(|c| impact == Impact::Should || c.level == Level::Must)
        .map(|c| request_of(&c.case))
        .collect();
    requests.sort();
    requests.dedup();
    requests.len()
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
    let independent = independent(&caught_by, flaw.impact());
    FlawResult {
        independent,
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

/// The score, the survivors, and the flaws caught by fewer than `min_independent` independent cases.
pub fn summarize(flaws: Vec<FlawResult>, min_independent: usize) -> MutantsReport {
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
    let thin = flaws
        .iter()
        .filter(|f| f.caught && f.independent < min_independent)
        .map(|f| f.name)
        .collect();
    MutantsReport {
        flaws,
        score,
        survivors,
        thin,
        min_independent,
        selection: None,
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
        let report = summarize(
            vec![
                flaw_result(Flaw::ProtectedLeftPublic, vec![]),
                flaw_result(
                    Flaw::UnknownUserFast,
                    vec![Catch {
                        case: "y".into(),
                        level: Level::Should,
                    }],
                ),
            ],
            MIN_INDEPENDENT,
        );
        assert_eq!(report.survivors, vec!["protected-left-public"]);
        assert_eq!(report.thin, vec!["unknown-user-fast"]);
        assert_eq!(report.score.must_impact, 1);
        assert_eq!(report.score.must_caught, 0);
        assert_eq!(report.score.should_caught, 1);
    }

    #[test]
    fn copies_of_one_request_count_once() {
        let catch = |case: &str, level| Catch {
            case: case.into(),
            level,
        };
        let same_request = [
            catch(
                "http-basic/wrong-password-refused @whoami [basic]",
                Level::Must,
            ),
            catch(
                "http-basic/wrong-password-refused @report [basic]",
                Level::Must,
            ),
            catch(
                "http-basic/uniform:wrong-password-refused @whoami [basic]",
                Level::Must,
            ),
            catch("cratedb-jwt/unknown-kid-refused [jwt]", Level::Must),
            catch(
                "cratedb-jwt/unknown-kid-refused-message [jwt]",
                Level::Compat,
            ),
            catch("m/ian@meta-status [adminlist]", Level::Should),
        ];
        assert_eq!(independent(&same_request, Impact::Must), 2);
        assert_eq!(independent(&same_request, Impact::Should), 3);
        let thin = summarize(
            vec![flaw_result(
                Flaw::AlgNoneAccepted,
                same_request[..3].to_vec(),
            )],
            MIN_INDEPENDENT,
        );
        assert_eq!(
            thin.thin,
            vec!["alg-none-accepted"],
            "caught, but by one request"
        );
    }
}
