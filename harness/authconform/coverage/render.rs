//! Coverage as text for people and JSON for tools.

use super::Coverage;

/// Cases named per requirement before the rest are counted.
const SHOWN_CASES: usize = 3;

/// A line per requirement grouped by source, then the untested `must` requirements and the cases
/// no requirement claims.
pub fn render_text(coverage: &Coverage) -> String {
    let mut out = String::new();
    let width = coverage
        .requirements
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut source = "";
    for (requirement, cases) in coverage.requirements.iter().zip(&coverage.cases) {
        if requirement.source != source {
            source = &requirement.source;
            out.push_str(&format!("\n{source} ({})\n", requirement.file.display()));
        }
        let shown: Vec<&str> = cases
            .iter()
            .take(SHOWN_CASES)
            .map(|c| c.id.as_str())
            .collect();
        let more = cases.len().saturating_sub(SHOWN_CASES);
        let listed = match (cases.len(), more) {
            (0, _) => "NOT TESTED".to_owned(),
            (_, 0) => shown.join(", "),
            _ => format!("{}, +{more} more", shown.join(", ")),
        };
        out.push_str(&format!(
            "  {:<6}  {:<width$}  {:>3} cases  {listed}\n",
            requirement.level.name(),
            requirement.id,
            cases.len()
        ));
    }
    let tested = coverage.cases.iter().filter(|c| !c.is_empty()).count();
    out.push_str(&format!(
        "\n{tested} of {} requirements tested by at least one case.\n",
        coverage.requirements.len()
    ));
    let uncovered = coverage.uncovered_must();
    if uncovered.is_empty() {
        out.push_str("Every must requirement is tested.\n");
    } else {
        out.push_str(&format!(
            "{} must requirements no case tests:\n",
            uncovered.len()
        ));
        for r in uncovered {
            out.push_str(&format!(
                "  {}  {} ({}:{})\n",
                r.id,
                r.text,
                r.file.display(),
                r.line
            ));
        }
    }
    if !coverage.unmapped.is_empty() {
        out.push_str(&format!(
            "{} cases name a ref no requirement matches:\n",
            coverage.unmapped.len()
        ));
        for c in &coverage.unmapped {
            out.push_str(&format!("  {}  ({})\n", c.id, c.reference));
        }
    }
    out
}

pub fn render_json(coverage: &Coverage) -> String {
    let requirements: Vec<serde_json::Value> = coverage
        .requirements
        .iter()
        .zip(&coverage.cases)
        .map(|(r, cases)| {
            serde_json::json!({
                "id": r.id,
                "level": r.level,
                "text": r.text,
                "source": r.source,
                "file": r.file.display().to_string(),
                "line": r.line,
                "cases": cases,
            })
        })
        .collect();
    let uncovered: Vec<&str> = coverage
        .uncovered_must()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let doc = serde_json::json!({
        "requirements": requirements,
        "uncovered_must": uncovered,
        "unmapped_cases": coverage.unmapped,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
