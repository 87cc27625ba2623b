//! One self-contained HTML page (no network fetches): summary counts, a suites × levels matrix, the
//! access matrices, every case with its failure expandable, filters by level and status. Other
//! pages (the mutants matrix) use [`page`] for the same frame.
//! The page's script recounts the summary from the case rows, so a browser that renders it shows
//! what the rows hold.

use super::markup::escape;
use super::matrix;
use super::{CaseResult, CaseStatus, Report};
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
.filters label { margin-right: 1rem; } .filters input[type=search] { width: 16rem; }
tr.hidden { display: none; }
.zero { background: #f5f5f7; color: #777; }
.legend span { display: inline-block; padding: 0 .5rem; margin-right: .4rem; border: 1px solid #ddd; }
td a, th a { color: inherit; }
"#;

const SCRIPT: &str = r#"
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.case'));
  var counts = { passed: 0, gate: 0, finding: 0, errored: 0, skipped: 0 };
  rows.forEach(function (r) { counts[r.dataset.result] += 1; });
  Object.keys(counts).forEach(function (k) {
    var el = document.getElementById('count-' + k);
    if (el) { el.textContent = String(counts[k]); }
  });
  var search = document.getElementById('search');
  var suite = document.getElementById('suite');
  var passed = document.getElementById('passed-cases');
  function boxes(attr) {
    var on = {};
    document.querySelectorAll('input[data-' + attr + ']').forEach(function (i) { on[i.dataset[attr]] = i.checked; });
    return on;
  }
  function apply() {
    var levels = boxes('level'), results = boxes('result');
    var text = search.value.trim().toLowerCase(), only = suite.value, shown = 0;
    rows.forEach(function (r) {
      var on = levels[r.dataset.level] && results[r.dataset.result] &&
        (only === '' || r.dataset.suite === only) &&
        (text === '' || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.classList.toggle('hidden', !on);
      if (on) { shown += 1; }
    });
    document.querySelectorAll('[data-section]').forEach(function (section) {
      var visible = section.querySelectorAll('tr.case:not(.hidden)').length;
      section.querySelector('.section-shown').textContent = String(visible);
    });
    if (passed && (text !== '' || only !== '')) { passed.open = true; }
    document.getElementById('shown').textContent = String(shown);
  }
  function only(attr, value) {
    document.querySelectorAll('input[data-' + attr + ']').forEach(function (i) {
      i.checked = value === null || i.dataset[attr] === value;
    });
  }
  document.querySelectorAll('a[data-filter-suite]').forEach(function (a) {
    a.addEventListener('click', function () {
      suite.value = a.dataset.filterSuite;
      only('level', a.dataset.filterLevel);
      only('result', null);
      if (passed) { passed.open = true; }
      apply();
    });
  });
  document.querySelectorAll('a[data-filter-result]').forEach(function (a) {
    a.addEventListener('click', function () {
      only('result', a.dataset.filterResult);
      only('level', null);
      suite.value = '';
      if (passed && a.dataset.filterResult === 'passed') { passed.open = true; }
      apply();
    });
  });
  document.querySelectorAll('.filters input[type=checkbox], #suite').forEach(function (i) { i.addEventListener('change', apply); });
  search.addEventListener('input', apply);
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

/// What the colours of the grids and matrices mean.
const LEGEND: &str = "<p class=\"legend\"><span class=\"passed\">passed</span><span class=\"failed\">failed at the gate</span>\
<span class=\"finding\">finding (failed below the gate)</span><span class=\"errored\">errored</span>\
<span class=\"skipped\">skipped</span><span class=\"empty\">no case</span></p>\n";

/// The row id of a case: `case-N`, N its place in the report.
fn row_id(report: &Report, case: &CaseResult) -> String {
    let n = report
        .cases
        .iter()
        .position(|c| std::ptr::eq(c, case))
        .unwrap_or(0);
    format!("case-{n}")
}

/// Each suite's access matrices: principals down, endpoints across, each cell coloured by its
/// case's result and linking to its row.
fn access_matrices(report: &Report) -> String {
    let mut out = String::new();
    for (suite, _, cases) in report.by_suite() {
        for table in matrix::tables(&cases) {
            if out.is_empty() {
                out.push_str("<h2>Access matrices</h2>\n");
                out.push_str(LEGEND);
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
                            "<td class=\"num {}\" title=\"{}\"><a href=\"#{}\">{}</a></td>",
                            status_class(case.status, case.is_finding()),
                            escape(&case.title()),
                            row_id(report, case),
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

/// The five results a case row can have, in the order the page lists them: what fails the run
/// first, what passed last.
const RESULTS: [(&str, &str); 5] = [
    ("gate", "Failed at the gate"),
    ("errored", "Errored"),
    ("finding", "Findings below the gate"),
    ("skipped", "Skipped"),
    ("passed", "Passed"),
];

fn result_of(case: &CaseResult) -> &'static str {
    match case.status {
        CaseStatus::Failed if case.gating => "gate",
        CaseStatus::Failed => "finding",
        CaseStatus::Errored => "errored",
        CaseStatus::Skipped => "skipped",
        CaseStatus::Passed => "passed",
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
    // Each count links to its cases; a zero is grey, so a conformant run with findings shows no red.
    body.push_str("<table id=\"summary\"><tr><th>passed</th><th>failed at the gate</th><th>findings (failed below the gate)</th><th>errored</th><th>skipped</th></tr>\n<tr>");
    for (result, count) in [
        ("passed", s.passed),
        ("gate", s.failed - s.findings),
        ("finding", s.findings),
        ("errored", s.errored),
        ("skipped", s.skipped),
    ] {
        let class = match result {
            _ if count == 0 => "zero",
            "gate" => "failed",
            other => other,
        };
        body.push_str(&format!(
            "<td class=\"num {class}\"><a href=\"#cases\" data-filter-result=\"{result}\" id=\"count-{result}\">{count}</a></td>"
        ));
    }
    body.push_str("</tr></table>\n");
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
            if at.is_empty() {
                body.push_str("<td class=\"num empty\">0/0</td>");
            } else {
                body.push_str(&format!(
                    "<td class=\"num {class}\"><a href=\"#cases\" data-filter-suite=\"{}\" data-filter-level=\"{}\">{passed}/{}</a></td>",
                    escape(suite),
                    level.name(),
                    at.len()
                ));
            }
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</table>\n");
    body.push_str(LEGEND);
    body.push_str(&access_matrices(report));
    body.push_str(&cases(report));
    page("authconform report", &body, SCRIPT)
}

/// The filters, then the cases by result: gate failures, errors, findings, skips, and the passes
/// folded away.
fn cases(report: &Report) -> String {
    let mut out = String::from(
        "<h2 id=\"cases\">Cases</h2>\n<div class=\"filters\"><input type=\"search\" id=\"search\" placeholder=\"search cases, refs, requests\"> suite: <select id=\"suite\"><option value=\"\">all</option>",
    );
    for (suite, _, _) in report.by_suite() {
        out.push_str(&format!("<option>{}</option>", escape(suite)));
    }
    out.push_str("</select><br>level: ");
    for level in Level::ALL {
        out.push_str(&format!(
            "<label><input type=\"checkbox\" data-level=\"{0}\" checked> {0}</label>",
            level.name()
        ));
    }
    out.push_str(" result: ");
    for (result, title) in RESULTS {
        out.push_str(&format!(
            "<label><input type=\"checkbox\" data-result=\"{result}\" checked> {}</label>",
            title.to_lowercase()
        ));
    }
    out.push_str(" · <span id=\"shown\"></span> shown</div>\n");
    let header = "<table><tr><th>result</th><th>level</th><th>suite</th><th>case [mode]</th><th>ref</th></tr>\n";
    for (result, title) in RESULTS {
        let rows: Vec<(usize, &CaseResult)> = report
            .cases
            .iter()
            .enumerate()
            .filter(|(_, c)| result_of(c) == result)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let heading = format!(
            "{title} (<span class=\"section-shown\">{0}</span> of {0})",
            rows.len()
        );
        if result == "passed" {
            out.push_str(&format!(
                "<details id=\"passed-cases\" data-section=\"passed\"><summary><h3 style=\"display:inline\">{heading}</h3></summary>\n{header}"
            ));
        } else {
            out.push_str(&format!(
                "<section data-section=\"{result}\"><h3>{heading}</h3>\n{header}"
            ));
        }
        for (i, case) in rows {
            out.push_str(&row(i, case));
        }
        out.push_str(if result == "passed" {
            "</table></details>\n"
        } else {
            "</table></section>\n"
        });
    }
    out
}

fn row(i: usize, case: &CaseResult) -> String {
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
    let word = match result_of(case) {
        "gate" => "FAILED",
        other => other,
    };
    format!(
        "<tr class=\"case {class}\" id=\"case-{i}\" data-result=\"{}\" data-level=\"{}\" data-suite=\"{}\"><td>{word}</td><td>{}</td><td>{}</td><td>{}{detail}</td><td>{}</td></tr>\n",
        result_of(case),
        case.level.name(),
        escape(&case.suite),
        case.level.name(),
        escape(&case.suite),
        escape(&case.title()),
        escape(&case.reference),
    )
}
