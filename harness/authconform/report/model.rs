use serde::Serialize;

use crate::level::{Gate, Level};
pub use crate::scenario::model::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Passed,
    Failed,
    Skipped,
    Errored,
}

impl CaseStatus {
    pub fn word(self) -> &'static str {
        match self {
            CaseStatus::Passed => "passed",
            CaseStatus::Failed => "failed",
            CaseStatus::Skipped => "skipped",
            CaseStatus::Errored => "errored",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub suite: String,
    pub file: String,
    pub name: String,
    /// The line of the case's `name` in its file; 0 when unknown.
    #[serde(skip_serializing_if = "is_zero")]
    pub line: u64,
    pub mode: String,
    pub level: Level,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: CaseStatus,
    pub duration_ms: u64,
    /// A failure of this case fails the gate; a failure that does not is a finding.
    pub gating: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
    /// Why the case was skipped or errored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The status code the target answered, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// The access-matrix cell the case fills.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<Cell>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl CaseResult {
    /// A case of suite `s`, mode `m`, for unit tests of what reads reports.
    #[cfg(test)]
    pub fn sample(name: &str, level: Level, status: CaseStatus) -> CaseResult {
        CaseResult {
            suite: "s".into(),
            file: "f".into(),
            name: name.into(),
            line: 0,
            mode: "m".into(),
            level,
            reference: "r".into(),
            status,
            duration_ms: 0,
            gating: true,
            request: None,
            expected: None,
            actual: None,
            mismatches: vec![],
            reason: None,
            status_code: None,
            cell: None,
        }
    }

    /// `name [mode]`.
    pub fn title(&self) -> String {
        format!("{} [{}]", self.name, self.mode)
    }

    pub fn is_finding(&self) -> bool {
        self.status == CaseStatus::Failed && !self.gating
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub errored: usize,
    /// Failures below the gate: reported, not failing the run.
    pub findings: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tool: String,
    pub target: String,
    pub gate: String,
    /// The case filters of the run (`--case`, `--suite`, …) and how many cases they kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    pub duration_ms: u64,
    pub interrupted: bool,
    pub summary: Summary,
    pub cases: Vec<CaseResult>,
    /// The requirement catalogue SARIF names rules from; empty when none was loaded.
    #[serde(skip)]
    pub requirements: Vec<crate::coverage::Requirement>,
    /// A run whose every case was skipped on purpose (`--allow-skips`) is conformant, not exit 3.
    #[serde(skip)]
    pub allow_skips: bool,
    /// JUnit writes findings below the gate as `<skipped>` (`--junit-findings skipped`) instead
    /// of `<failure type="finding">`.
    #[serde(skip)]
    pub junit_findings_skipped: bool,
    /// The last lines a launched server wrote, for each mode where a case failed or errored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_logs: Vec<TargetLog>,
    /// The signal (SIGINT 2, SIGTERM 15) that stopped the run, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
}

/// The end of a launched server's output, kept for a mode where something went wrong.
#[derive(Debug, Clone, Serialize)]
pub struct TargetLog {
    pub mode: String,
    pub stdout: String,
    pub stderr: String,
}

/// Exit status: the gate passed, something judged.
pub const EXIT_CONFORMANT: i32 = 0;
/// Exit status: a case at or above the gate failed.
pub const EXIT_GATE_FAILED: i32 = 1;
/// Exit status: bad input (flags, scenario, target or profile files, an unset variable).
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit status: nothing could be judged (no case ran, every case skipped or errored, the target
/// never became ready).
pub const EXIT_NOTHING_JUDGED: i32 = 3;

/// What a run amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Conformant,
    GateFailed,
    /// Why nothing (or not everything) could be judged.
    NothingJudged(String),
    /// Stopped by a signal before the end.
    Interrupted(i32),
}

impl Verdict {
    /// 0 conformant, 1 gate failed, 3 nothing judged (or some cases errored and none failed at the
    /// gate), 128 + the signal when a signal stopped the run (130 SIGINT, 143 SIGTERM).
    pub fn exit_code(&self) -> i32 {
        match self {
            Verdict::Conformant => EXIT_CONFORMANT,
            Verdict::GateFailed => EXIT_GATE_FAILED,
            Verdict::NothingJudged(_) => EXIT_NOTHING_JUDGED,
            Verdict::Interrupted(signal) => 128 + signal,
        }
    }

    /// The verdict in words, for every report format.
    pub fn words(&self) -> String {
        match self {
            Verdict::Conformant => "conformant".into(),
            Verdict::GateFailed => "NOT conformant".into(),
            Verdict::NothingJudged(why) => format!("NOT judged ({why})"),
            Verdict::Interrupted(signal) => format!("interrupted by signal {signal}"),
        }
    }
}

impl Report {
    pub fn new(
        target: String,
        gate: &Gate,
        duration_ms: u64,
        interrupted: bool,
        cases: Vec<CaseResult>,
    ) -> Report {
        let mut summary = Summary::default();
        for case in &cases {
            match case.status {
                CaseStatus::Passed => summary.passed += 1,
                CaseStatus::Failed => summary.failed += 1,
                CaseStatus::Skipped => summary.skipped += 1,
                CaseStatus::Errored => summary.errored += 1,
            }
            if case.is_finding() {
                summary.findings += 1;
            }
        }
        Report {
            tool: format!("authconform {}", env!("CARGO_PKG_VERSION")),
            target,
            gate: gate.describe(),
            selection: None,
            duration_ms,
            interrupted,
            summary,
            cases,
            requirements: Vec::new(),
            allow_skips: false,
            junit_findings_skipped: false,
            target_logs: Vec::new(),
            signal: None,
        }
    }

    /// What the run amounts to at its gate; [`Verdict::exit_code`] is the process's exit status.
    pub fn verdict(&self) -> Verdict {
        let gate_failed = self
            .cases
            .iter()
            .any(|c| c.status == CaseStatus::Failed && c.gating);
        let judged = self.summary.passed + self.summary.failed;
        if gate_failed {
            Verdict::GateFailed
        } else if let Some(signal) = self.signal {
            Verdict::Interrupted(signal)
        } else if self.summary.errored > 0 || self.interrupted {
            Verdict::NothingJudged(format!(
                "{} case{} errored",
                self.summary.errored,
                if self.summary.errored == 1 { "" } else { "s" }
            ))
        } else if judged == 0 && !(self.allow_skips && self.summary.skipped > 0) {
            Verdict::NothingJudged(if self.cases.is_empty() {
                "no case was selected".into()
            } else {
                "every case was skipped".into()
            })
        } else {
            Verdict::Conformant
        }
    }

    /// The process exit status: see [`Verdict::exit_code`].
    pub fn exit_code(&self) -> i32 {
        self.verdict().exit_code()
    }

    /// `N passed, N failed, N errored, N skipped`: every case counted once.
    pub fn counts_line(&self) -> String {
        let s = &self.summary;
        format!(
            "{} passed, {} failed, {} errored, {} skipped",
            s.passed, s.failed, s.errored, s.skipped
        )
    }

    /// Suites in report order, each with its cases.
    pub fn by_suite(&self) -> Vec<(&str, &str, Vec<&CaseResult>)> {
        let mut out: Vec<(&str, &str, Vec<&CaseResult>)> = Vec::new();
        for case in &self.cases {
            match out.last_mut() {
                Some((suite, _, cases)) if *suite == case.suite => cases.push(case),
                _ => out.push((&case.suite, &case.file, vec![case])),
            }
        }
        out
    }
}

/// One unmet expectation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}
