//! The mutants result as text (terminal), JSON and an HTML page.

use super::MutantsReport;
use crate::report::html::page;
use crate::report::markup::escape;

pub fn text(report: &MutantsReport) -> String {
    let mut out = String::new();
    if let Some(selection) = &report.selection {
        out.push_str(&format!("selection: {selection}\n"));
    }
    for f in &report.flaws {
        let verdict = if f.caught { "caught  " } else { "SURVIVED" };
        let must = f
            .caught_by
            .iter()
            .filter(|c| c.level == crate::level::Level::Must)
            .count();
        let shown: Vec<&str> = f
            .caught_by
            .iter()
            .take(3)
            .map(|c| c.case.as_str())
            .collect();
        let more = f.caught_by.len().saturating_sub(shown.len());
        let by = if f.caught_by.is_empty() {
            "no case".to_owned()
        } else if more > 0 {
            format!("{}, … {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        };
        out.push_str(&format!(
            "  {verdict}  {:<6}  {:<30} {:>3} cases ({must} must, {} independent): {by}\n",
            f.impact,
            f.name,
            f.caught_by.len(),
            f.independent
        ));
    }
    let s = &report.score;
    let percent = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    out.push_str(&format!(
        "\nscore: {}/{} must-impact flaws caught by a must case ({:.0}%); should-impact: {}/{} caught\n",
        s.must_caught,
        s.must_impact,
        percent(s.must_caught, s.must_impact),
        s.should_caught,
        s.should_impact
    ));
    if report.survivors.is_empty() {
        out.push_str("survivors: none\n");
    } else {
        out.push_str(&format!("survivors: {}\n", report.survivors.join(", ")));
    }
    let min = report.min_independent;
    if report.thin.is_empty() {
        out.push_str(&format!(
            "thin (caught by fewer than {min} independent cases): none\n"
        ));
    } else {
        out.push_str(&format!(
            "thin (caught by fewer than {min} independent cases): {}\n",
            report.thin.join(", ")
        ));
    }
    out
}

pub fn json(report: &MutantsReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// The mutants result as a page: flaws × catching cases, and the score.
pub fn html(report: &MutantsReport) -> String {
    let s = &report.score;
    let mut body = format!(
        "<h1>authconform mutants</h1>\n<div class=\"meta\">score: <span id=\"must-caught\">{}</span>/<span id=\"must-impact\">{}</span> must-impact flaws caught by a must case; should-impact {}/{} caught; survivors: {}</div>\n",
        s.must_caught,
        s.must_impact,
        s.should_caught,
        s.should_impact,
        if report.survivors.is_empty() {
            "none".to_owned()
        } else {
            escape(&report.survivors.join(", "))
        }
    );
    if let Some(selection) = &report.selection {
        body.push_str(&format!(
            "<div class=\"meta\" id=\"selection\">selection: {}</div>\n",
            escape(selection)
        ));
    }
    body.push_str("<table id=\"mutants\"><tr><th>flaw</th><th>impact</th><th>dialects</th><th>what it does</th><th>caught by</th></tr>\n");
    for f in &report.flaws {
        let class = if f.caught { "passed" } else { "failed" };
        let cases: Vec<String> = f
            .caught_by
            .iter()
            .map(|c| format!("{} ({})", escape(&c.case), c.level.name()))
            .collect();
        body.push_str(&format!(
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><details><summary>{} cases</summary><pre>{}</pre></details></td></tr>\n",
            escape(f.name),
            f.impact,
            escape(&f.dialects.join(", ")),
            escape(f.description),
            f.caught_by.len(),
            cases.join("\n")
        ));
    }
    body.push_str("</table>\n");
    page(
        "authconform mutants",
        &body,
        "document.body.dataset.rendered = 'yes';",
    )
}
