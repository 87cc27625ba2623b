//! The mutants result as text (terminal) and JSON.

use super::MutantsReport;

pub fn text(report: &MutantsReport) -> String {
    let mut out = String::new();
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
