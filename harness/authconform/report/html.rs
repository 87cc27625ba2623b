//! One self-contained HTML page (no network fetches): summary counts, a suites × levels matrix, the
//! access matrices, every case with its failure expandable, filters by level and status. Other
//! pages (the mutants matrix) use [`page`] for the same frame.
//! The page's script recounts the summary from the case rows, so a browser that renders it shows
//! what the rows hold.

use super::markup::escape;
use super::matrix;
use super::{CaseStatus, Report};
use crate::level::Level;

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.meta { color: #555; margin-bottom: 1rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f7; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.passed { background: #e3f6e8; } .failed { background: #fde2e1; } .finding { background: #fff3d6; }
.errored { background: #f3d9fa; } .skipped { background: #eee; } .empty { background: #fafafa; color: #aaa; }
.verdict-ok { color: #137333; font-weight: 600; } .verdict-bad { color: #b3261e; font-weight: 600; }
details pre { white-space: pre-wrap; margin: .3rem 0; }
.filters label { margin-right: 1rem; }
tr.hidden { display: none; }
"#;

const SCRIPT: &str = r#"
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.case'));
  var counts = { passed: 0, failed: 0, skipped: 0, errored: 0, finding: 0 };
  rows.forEach(function (r) {
    counts[r.dataset.status] += 1;
    if (r.dataset.finding === 'yes') { counts.finding += 1; }
  });
  Object.keys(counts).forEach(function (k) {
    var el = document.getElementById('count-' + k);
    if (el) { el.textContent = String(counts[k]); }
  });
  function apply() {
    var levels = {}, statuses = {};
    document.querySelectorAll('input[data-level]').forEach(function (i) { levels[i.dataset.level] = i.checked; });
    document.querySelectorAll('input[data-status]').forEach(function (i) { statuses[i.dataset.status] = i.checked; });
    var shown = 0;
    rows.forEach(function (r) {
      var on = levels[r.dataset.level] && statuses[r.dataset.status];
      r.classList.toggle('hidden', !on);
      if (on) { shown += 1; }
    });
    document.getElementById('shown').textContent = String(shown);
  }
  document.querySelectorAll('.filters input').forEach(function (i) { i.addEventListener('change', apply); });
  apply();
  document.body.dataset.rendered = 'yes';
})();
"#;

/// A self-contained page: the shared style, `body`, and `script` inline (the page's CSP allows
/// nothing else).
pub fn page(title: &str, body: &str, script: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}\n<script>{script}</script>\n</body></html>\n",
        escape(title)
    )
}

/// Each suite's access matrices: principals down, endpoints across, each cell coloured by its
/// case's result.
fn access_matrices(report: &Report) -> String {
    let mut out = String::new();
    for (suite, _, cases) in report.by_suite() {
        for table in matrix::tables(&cases) {
            if out.is_empty() {
                out.push_str("<h2>Access matrices</h2>\n");
            }
            out.push_str(&format!(
                "<h3>{}</h3>\n<table class=\"access\"><tr><th></th>",
                escape(&format!("{suite}: {}", table.headline()))
            ));
            for column in &table.columns {
                out.push_str(&format!("<th>{}</th>", escape(column)));
            }
            out.push_str("</tr>\n");
            for (row, cells) in table.rows.iter().zip(&table.cells) {
                out.push_str(&format!("<tr><th>{}</th>", escape(row)));
                for cell in cells {
                    match cell {
                        Some(case) => out.push_str(&format!(
                            "<td class=\"num {}\" title=\"{}\">{}</td>",
                            status_class(case.status, case.is_finding()),
                            escape(&case.title()),
                            escape(&matrix::cell_text(case))
                        )),
                        None => out.push_str("<td class=\"empty\"></td>"),
                    }
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
    }
    out
}

fn status_class(status: CaseStatus, finding: bool) -> &'static str {
    match status {
        CaseStatus::Failed if finding => "finding",
        other => other.word(),
    }
}

/// The report as a page.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let words = super::markup::escape(&report.verdict().words());
    let verdict = if report.exit_code() == 0 {
        format!("<span class=\"verdict-ok\">{words}</span>")
    } else {
        format!("<span class=\"verdict-bad\">{words}</span>")
    };
    let mut body = format!(
        "<h1>authconform report</h1>\n<div class=\"meta\">{} · target: {} · gate: {} · {:.2}s · {verdict}</div>\n",
        escape(&report.tool),
        escape(&report.target),
        escape(&report.gate),
        report.duration_ms as f64 / 1000.0
    );
    if let Some(selection) = &report.selection {
        body.push_str(&format!(
            "<div class=\"meta\" id=\"selection\">selection: {}</div>\n",
            escape(selection)
        ));
    }
    body.push_str("<table id=\"summary\"><tr><th>passed</th><th>failed</th><th>findings (failed below the gate)</th><th>errored</th><th>skipped</th></tr>\n");
    body.push_str(&format!(
        "<tr><td class=\"num passed\" id=\"count-passed\">{}</td><td class=\"num failed\" id=\"count-failed\">{}</td>\
         <td class=\"num finding\" id=\"count-finding\">{}</td><td class=\"num errored\" id=\"count-errored\">{}</td>\
         <td class=\"num skipped\" id=\"count-skipped\">{}</td></tr></table>\n",
        s.passed, s.failed, s.findings, s.errored, s.skipped
    ));
    body.push_str("<table id=\"levels\"><tr><th>level</th><th>passed</th><th>failed</th><th>errored</th><th>skipped</th></tr>\n");
    for level in Level::ALL {
        let count = |status: CaseStatus| {
            report
                .cases
                .iter()
                .filter(|c| c.level == level && c.status == status)
                .count()
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            level.name(),
            count(CaseStatus::Passed),
            count(CaseStatus::Failed),
            count(CaseStatus::Errored),
            count(CaseStatus::Skipped)
        ));
    }
    body.push_str("</table>\n");
    body.push_str("<h2>Suites × levels</h2>\n<table id=\"matrix\"><tr><th>suite</th>");
    for level in Level::ALL {
        body.push_str(&format!("<th>{}</th>", level.name()));
    }
    body.push_str("</tr>\n");
    for (suite, _, cases) in report.by_suite() {
        body.push_str(&format!("<tr><td>{}</td>", escape(suite)));
        for level in Level::ALL {
            let at: Vec<_> = cases.iter().filter(|c| c.level == level).collect();
            let passed = at.iter().filter(|c| c.status == CaseStatus::Passed).count();
            let class = if at.is_empty() {
                "empty"
            } else if at.iter().any(|c| c.status == CaseStatus::Errored) {
                "errored"
            } else if at
                .iter()
                .any(|c| c.status == CaseStatus::Failed && c.gating)
            {
                "failed"
            } else if at.iter().any(|c| c.is_finding()) {
                "finding"
            } else if passed == at.len() {
                "passed"
            } else {
                "skipped"
            };
            body.push_str(&format!(
                "<td class=\"num {class}\">{passed}/{}</td>",
                at.len()
            ));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</table>\n");
    body.push_str(&access_matrices(report));
    body.push_str("<h2>Cases</h2>\n<div class=\"filters\">level: ");
    for level in Level::ALL {
        body.push_str(&format!(
            "<label><input type=\"checkbox\" data-level=\"{0}\" checked> {0}</label>",
            level.name()
        ));
    }
    body.push_str(" status: ");
    for status in ["passed", "failed", "errored", "skipped"] {
        body.push_str(&format!(
            "<label><input type=\"checkbox\" data-status=\"{status}\" checked> {status}</label>"
        ));
    }
    body.push_str(" · <span id=\"shown\"></span> shown</div>\n");
    body.push_str("<table id=\"cases\"><tr><th>result</th><th>level</th><th>suite</th><th>case [mode]</th><th>ref</th></tr>\n");
    for case in &report.cases {
        let class = status_class(case.status, case.is_finding());
        let mut detail = String::new();
        if case.status != CaseStatus::Passed {
            let mut parts = Vec::new();
            if let Some(r) = &case.request {
                parts.push(format!("request:  {r}"));
            }
            if let Some(e) = &case.expected {
                parts.push(format!("expected: {e}"));
            }
            if let Some(a) = &case.actual {
                parts.push(format!("actual:   {a}"));
            }
            for m in &case.mismatches {
                parts.push(format!(
                    "{}: expected {}, got {}",
                    m.what, m.expected, m.actual
                ));
            }
            if let Some(r) = &case.reason {
                parts.push(format!("reason:   {r}"));
            }
            detail = format!(
                "<details><summary>why</summary><pre>{}</pre></details>",
                escape(&parts.join("\n"))
            );
        }
        body.push_str(&format!(
            "<tr class=\"case {class}\" data-status=\"{}\" data-level=\"{}\" data-finding=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}{detail}</td><td>{}</td></tr>\n",
            case.status.word(),
            case.level.name(),
            if case.is_finding() { "yes" } else { "no" },
            if case.is_finding() { "finding" } else { case.status.word() },
            case.level.name(),
            escape(&case.suite),
            escape(&case.title()),
            escape(&case.reference),
        ));
    }
    body.push_str("</table>\n");
    page("authconform report", &body, SCRIPT)
}
