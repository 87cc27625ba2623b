//! The human report: a line per case, details under failures, a closing count line.

use super::markup::terminal_safe as safe;
use super::{CaseStatus, Report};

/// `--color`: `auto` colours a terminal only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour: `always` and `never` as said; `auto` on a terminal, unless `NO_COLOR` is set
/// to a non-empty value (no-color.org: an empty one does not count) or `TERM` is `dumb`.
pub fn colour_wanted(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
        }
    }
}

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
        report.tool,
        safe(&report.target),
        report.gate
    );
    if let Some(selection) = &report.selection {
        out.push_str(&format!("selection: {}\n", safe(selection)));
    }
    let width = report
        .cases
        .iter()
        .map(|c| c.title().chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    for (suite, file, cases) in report.by_suite() {
        out.push_str(&format!(
            "\n{} ({})\n",
            paint("1", &safe(suite)),
            safe(file)
        ));
        // A sweep's passed and unsent cells are many (operations × rows): the table shows them.
        let folded = |c: &super::CaseResult| {
            c.cell.is_some()
                && c.name.starts_with(crate::scenario::expand::SWEEP_PREFIX)
                && matches!(c.status, CaseStatus::Passed | CaseStatus::Skipped)
        };
        for &case in cases.iter().filter(|c| !folded(c)) {
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
                safe(&case.title()),
                safe(&case.reference)
            ));
            if matches!(case.status, CaseStatus::Failed | CaseStatus::Errored) {
                if let Some(request) = &case.request {
                    out.push_str(&format!("          request:  {}\n", safe(request)));
                }
                for m in &case.mismatches {
                    out.push_str(&format!(
                        "          {}: expected {}, got {}\n",
                        safe(&m.what),
                        safe(&m.expected),
                        safe(&m.actual)
                    ));
                }
            }
            if let Some(reason) = &case.reason
                && matches!(case.status, CaseStatus::Errored | CaseStatus::Skipped)
            {
                for (i, line) in reason.lines().enumerate() {
                    let label = if i == 0 { "reason:  " } else { "         " };
                    out.push_str(&format!("          {label} {}\n", safe(line)));
                }
            }
        }
        let passed = cases
            .iter()
            .filter(|c| folded(c) && c.status == CaseStatus::Passed)
            .count();
        let unsent: Vec<&&super::CaseResult> = cases
            .iter()
            .filter(|c| folded(c) && c.status == CaseStatus::Skipped)
            .collect();
        if passed + unsent.len() > 0 {
            out.push_str(&format!(
                "  {passed} sweep cells passed, {} not sent; the table shows each\n",
                unsent.len()
            ));
            let mut reasons: Vec<&str> =
                unsent.iter().filter_map(|c| c.reason.as_deref()).collect();
            reasons.dedup();
            for reason in reasons {
                out.push_str(&format!("  not sent: {}\n", safe(reason)));
            }
        }
        out.push_str(&safe(&super::matrix::render(&cases)));
    }
    for log in report
        .target_logs
        .iter()
        .filter(|l| !(l.stdout.trim().is_empty() && l.stderr.trim().is_empty()))
    {
        out.push_str(&format!(
            "\nThe launched server's last output (mode {}):\n",
            safe(&log.mode)
        ));
        for (stream, text) in [("stderr", &log.stderr), ("stdout", &log.stdout)] {
            for line in text.lines() {
                out.push_str(&format!("  {stream} | {}\n", safe(line)));
            }
        }
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
    let verdict = report.verdict();
    let verdict_words = if verdict.exit_code() == 0 {
        paint("32;1", &verdict.words())
    } else {
        paint("31;1", &verdict.words())
    };
    out.push_str(&format!(
        "Verdict: {verdict_words} at gate {} in {:.2}s (exit {})\n",
        report.gate,
        report.duration_ms as f64 / 1000.0,
        verdict.exit_code()
    ));
    out.push_str(&format!("{}\n", report.counts_line()));
    // The plain closing line CI tools read.
    out.push_str(&format!("{} passed, {} failed\n", s.passed, s.failed));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Gate, Level};
    use crate::report::{CaseResult, Cell};

    #[test]
    fn a_sweeps_passed_and_unsent_cells_fold_into_one_line_and_its_failures_stay() {
        let cell = |row: &str, op: &str, status: CaseStatus| {
            let mut c = CaseResult::sample(&format!("sweep:{row} @{op}"), Level::Must, status);
            c.cell = Some(Cell {
                principal: row.into(),
                endpoint: op.into(),
            });
            c.status_code = (status != CaseStatus::Skipped).then_some(200);
            if status == CaseStatus::Skipped {
                c.reason = Some("destroys data".into());
            }
            c
        };
        let cases = vec![
            cell("none", "GET /a", CaseStatus::Passed),
            cell("none", "DELETE /a", CaseStatus::Skipped),
            cell("none", "GET /b", CaseStatus::Failed),
            cell("valid", "GET /a", CaseStatus::Passed),
        ];
        let report = Report::new("t".into(), &Gate::parse("must").unwrap(), 1, false, cases);
        let text = render(&report, false);
        assert!(
            text.contains("  2 sweep cells passed, 1 not sent; the table shows each\n"),
            "{text}"
        );
        assert!(text.contains("  not sent: destroys data\n"), "{text}");
        assert!(
            text.contains("FAIL  must    sweep:none @GET /b [m]"),
            "{text}"
        );
        assert!(!text.contains("pass  must    sweep:none @GET /a"), "{text}");
        assert!(
            text.contains("access matrix [m]: 2 principals × 3 endpoints"),
            "{text}"
        );
    }

    #[test]
    fn colour_follows_the_flag_then_the_terminal_no_color_and_term() {
        use std::ffi::OsStr;
        let auto = |tty, no: Option<&str>, term: Option<&str>| {
            colour_wanted(
                ColorChoice::Auto,
                tty,
                no.map(OsStr::new),
                term.map(OsStr::new),
            )
        };
        assert!(auto(true, None, Some("xterm")));
        assert!(!auto(false, None, Some("xterm")));
        assert!(!auto(true, Some("1"), None));
        assert!(
            auto(true, Some(""), None),
            "an empty NO_COLOR does not count"
        );
        assert!(!auto(true, None, Some("dumb")));
        assert!(colour_wanted(
            ColorChoice::Always,
            false,
            Some(OsStr::new("1")),
            None
        ));
        assert!(!colour_wanted(ColorChoice::Never, true, None, None));
    }
}
