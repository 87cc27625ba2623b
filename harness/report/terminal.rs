//! The human report: a line per case, details under failures, a closing count line.

use super::{CaseStatus, Report};

/// Renders the report; `colour` adds ANSI colours. `verbose` also lists passed cases' requests.
pub fn render(report: &Report, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = format!(
        "{} · target: {} · gate: {}\n",
        report.tool, report.target, report.gate
    );
    let width = report
        .cases
        .iter()
        .map(|c| c.title().chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    for (suite, file, cases) in report.by_suite() {
        out.push_str(&format!("\n{} ({file})\n", paint("1", suite)));
        for &case in &cases {
            let word = match case.status {
                CaseStatus::Passed => paint("32", "pass"),
                CaseStatus::Failed if case.gating => paint("31;1", "FAIL"),
                CaseStatus::Failed => paint("33", "find"),
                CaseStatus::Skipped => paint("2", "skip"),
                CaseStatus::Errored => paint("35;1", "ERR "),
            };
            out.push_str(&format!(
                "  {word}  {:<6}  {:<width$}  {}\n",
                case.level.name(),
                case.title(),
                case.reference
            ));
            if matches!(case.status, CaseStatus::Failed | CaseStatus::Errored) {
                if let Some(request) = &case.request {
                    out.push_str(&format!("          request:  {request}\n"));
                }
                for m in &case.mismatches {
                    out.push_str(&format!(
                        "          {}: expected {}, got {}\n",
                        m.what, m.expected, m.actual
                    ));
                }
            }
            if let Some(reason) = &case.reason
                && matches!(case.status, CaseStatus::Errored | CaseStatus::Skipped)
            {
                for (i, line) in reason.lines().enumerate() {
                    let label = if i == 0 { "reason:  " } else { "         " };
                    out.push_str(&format!("          {label} {line}\n"));
                }
            }
        }
        out.push_str(&super::matrix::render(&cases));
    }
    let s = &report.summary;
    out.push('\n');
    if s.findings > 0 {
        out.push_str(&format!(
            "{} failures below the gate ({}) are findings: reported, not failing the run.\n",
            s.findings, report.gate
        ));
    }
    if report.interrupted {
        out.push_str("The run was interrupted; cases not run are errored.\n");
    }
    let verdict = if report.exit_code() == 0 {
        paint("32;1", "conformant")
    } else {
        paint("31;1", "NOT conformant")
    };
    out.push_str(&format!(
        "Verdict: {verdict} at gate {} ({} errored) in {:.2}s\n",
        report.gate,
        s.errored,
        report.duration_ms as f64 / 1000.0
    ));
    out.push_str(&format!(
        "{} passed, {} failed, {} skipped\n",
        s.passed, s.failed, s.skipped
    ));
    out
}
