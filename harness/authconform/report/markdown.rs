//! A summary for a CI job page: counts per level, then every failure, finding and error.

use super::{CaseStatus, Report};
use crate::level::Level;

pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!("## authconform: {}\n\n", report.target);
    if let Some(selection) = &report.selection {
        out.push_str(&format!("Selection: `{}`\n\n", selection.replace('`', "'")));
    }
    let verdict = match report.verdict() {
        super::model::Verdict::Conformant => "passed".to_owned(),
        super::model::Verdict::GateFailed => "FAILED".to_owned(),
        other => other.words(),
    };
    out.push_str(&format!(
        "Gate `{}`: **{verdict}** — {} passed, {} failed ({} findings below the gate), {} skipped, {} errored in {:.1}s.\n\n",
        report.gate,
        s.passed,
        s.failed,
        s.findings,
        s.skipped,
        s.errored,
        report.duration_ms as f64 / 1000.0
    ));
    out.push_str("| level | passed | failed | skipped | errored |\n|---|---:|---:|---:|---:|\n");
    for level in Level::ALL {
        let n = |status: CaseStatus| {
            report
                .cases
                .iter()
                .filter(|c| c.level == level && c.status == status)
                .count()
        };
        out.push_str(&format!(
            "| {level} | {} | {} | {} | {} |\n",
            n(CaseStatus::Passed),
            n(CaseStatus::Failed),
            n(CaseStatus::Skipped),
            n(CaseStatus::Errored)
        ));
    }
    let problems: Vec<_> = report
        .cases
        .iter()
        .filter(|c| matches!(c.status, CaseStatus::Failed | CaseStatus::Errored))
        .collect();
    if !problems.is_empty() {
        out.push_str("\n| | level | suite | case | ref | expected | actual |\n|---|---|---|---|---|---|---|\n");
        for c in problems {
            let mark = match c.status {
                CaseStatus::Errored => "error",
                _ if c.gating => "FAIL",
                _ => "finding",
            };
            let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
            out.push_str(&format!(
                "| {mark} | {} | {} | {} | {} | {} | {} |\n",
                c.level,
                cell(&c.suite),
                cell(&c.title()),
                cell(&c.reference),
                cell(c.expected.as_deref().unwrap_or("")),
                cell(c.actual.as_deref().or(c.reason.as_deref()).unwrap_or(""))
            ));
        }
    }
    out
}
