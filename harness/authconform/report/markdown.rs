//! A summary for a CI job page: counts per level, then every failure, finding and error, then
//! the access matrices (sweeps included) as tables.

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
        // Gate failures first; a job summary holds at most 1 MiB, so the table is capped.
        let mut problems = problems;
        problems.sort_by_key(|c| match c.status {
            CaseStatus::Failed if c.gating => 0,
            CaseStatus::Errored => 1,
            _ => 2,
        });
        let left_out = problems.len().saturating_sub(MAX_ROWS);
        for c in problems.into_iter().take(MAX_ROWS) {
            let mark = match c.status {
                CaseStatus::Errored => "error",
                _ if c.gating => "FAIL",
                _ => "finding",
            };
            let cell = cell_text;
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
        if left_out > 0 {
            out.push_str(&format!(
                "\n… and {left_out} more failures, findings and errors: see the JSON or HTML report.\n"
            ));
        }
    }
    out.push_str(&access_matrices(report));
    out
}

/// Each suite's access matrices, one table each: the status every cell got, `≠` where it missed.
fn access_matrices(report: &Report) -> String {
    let mut out = String::new();
    for (suite, _, cases) in report.by_suite() {
        for table in super::matrix::tables(&cases) {
            out.push_str(&format!(
                "\n### {}: {}\n\n|",
                cell_text(suite),
                cell_text(&table.headline())
            ));
            for column in &table.columns {
                out.push_str(&format!(" | {}", cell_text(column)));
            }
            out.push_str(" |\n|---");
            out.push_str(&"|---".repeat(table.columns.len()));
            out.push_str("|\n");
            for (row, cells) in table.rows.iter().zip(&table.cells) {
                out.push_str(&format!("| {}", cell_text(row)));
                for cell in cells {
                    let text = cell.map(super::matrix::cell_text).unwrap_or_default();
                    out.push_str(&format!(" | {}", cell_text(&text)));
                }
                out.push_str(" |\n");
            }
        }
    }
    out
}

/// Rows of the failure table a summary shows at most.
pub const MAX_ROWS: usize = 200;

/// A table cell: markup a job summary would render (`<script>`, `<img …>`) escaped, pipes and
/// line breaks made harmless, and at most 300 characters.
fn cell_text(s: &str) -> String {
    let mut text: String = s.chars().take(300).collect();
    if s.chars().count() > 300 {
        text.push('…');
    }
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Gate;
    use crate::report::{CaseResult, Cell};

    #[test]
    fn access_matrices_are_tables() {
        let cell = |row: &str, op: &str, code: u16| {
            let mut c = CaseResult::sample(
                &format!("sweep:{row} @{op}"),
                Level::Must,
                CaseStatus::Passed,
            );
            c.cell = Some(Cell {
                principal: row.into(),
                endpoint: op.into(),
            });
            c.status_code = Some(code);
            c
        };
        let cases = vec![
            cell("none", "GET /a|b", 401),
            cell("valid", "GET /a|b", 200),
        ];
        let md = render(&Report::new(
            "t".into(),
            &Gate::parse("must").unwrap(),
            0,
            false,
            cases,
        ));
        assert!(
            md.contains(
                "### s: access matrix [m]: 2 principals × 1 endpoints, 2 as expected, 0 not\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("| | GET /a\\|b |\n|---|---|\n| none | 401 |\n| valid | 200 |\n"),
            "{md}"
        );
    }

    #[test]
    fn cells_are_escaped_and_the_table_capped() {
        let mut cases: Vec<CaseResult> = (0..MAX_ROWS + 5)
            .map(|i| {
                let mut c = CaseResult::sample(&format!("c{i}"), Level::Should, CaseStatus::Failed);
                c.gating = false;
                c.actual = Some("<img src=x onerror=alert(1)> | a\nb".into());
                c
            })
            .collect();
        let gated = CaseResult::sample("gate-failure", Level::Must, CaseStatus::Failed);
        cases.push(gated);
        let report = Report::new("t".into(), &Gate::parse("must").unwrap(), 0, false, cases);
        let md = render(&report);
        assert!(!md.contains("<img"), "{md}");
        assert!(md.contains("&lt;img src=x onerror=alert(1)&gt; \\| a b"));
        assert_eq!(
            md.matches("| finding |").count() + md.matches("| FAIL |").count(),
            MAX_ROWS
        );
        let first_row = md
            .lines()
            .find(|l| l.starts_with("| FAIL") || l.starts_with("| finding"))
            .unwrap();
        assert!(
            first_row.starts_with("| FAIL |"),
            "gate failures first: {first_row}"
        );
        assert!(
            md.contains("… and 6 more failures, findings and errors"),
            "{md}"
        );
    }
}
