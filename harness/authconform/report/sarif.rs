//! SARIF 2.1.0 for code-scanning dashboards: rules are requirements (`requirements/`), results are
//! the cases that failed or errored (a run) or the `must` requirements no case tests (coverage).

use serde_json::{Value, json};

use super::{CaseStatus, Report};
use crate::coverage::{Coverage, Requirement, requirements_of};
use crate::level::Level;

/// The rule of a failed case whose `ref` matches no requirement.
pub const UNMAPPED_RULE: &str = "unmapped";

/// A run's failed and errored cases, each under the first requirement its `ref` covers.
pub fn render(report: &Report) -> String {
    let catalogue = &report.requirements;
    let mut rules: Vec<Value> = catalogue.iter().map(rule).collect();
    let mut results = Vec::new();
    for case in &report.cases {
        if !matches!(case.status, CaseStatus::Failed | CaseStatus::Errored) {
            continue;
        }
        let rule_id = requirements_of(catalogue, &case.reference)
            .first()
            .map_or(UNMAPPED_RULE, |id| id);
        if rule_id == UNMAPPED_RULE && !rules.iter().any(|r| r["id"] == UNMAPPED_RULE) {
            rules.push(json!({
                "id": UNMAPPED_RULE,
                "shortDescription": {"text": "A case whose ref matches no requirement of the catalogue"},
            }));
        }
        let what = if case.status == CaseStatus::Errored {
            case.reason.clone().unwrap_or_default()
        } else {
            case.mismatches
                .iter()
                .map(|m| format!("{}: expected {}, got {}", m.what, m.expected, m.actual))
                .collect::<Vec<_>>()
                .join("; ")
        };
        results.push(json!({
            "ruleId": rule_id,
            "level": if case.gating { level(case.level) } else { "note" },
            "message": {"text": format!(
                "{} [{}] {} ({}): {what}",
                case.suite, case.mode, case.status.word(), case.level.name()
            )},
            "locations": [location(&case.file, case.line)],
            "properties": {"case": case.name, "mode": case.mode, "ref": case.reference},
        }));
    }
    document(&report.tool, rules, results)
}

/// The `must` requirements no case tests, where the catalogue states them.
pub fn render_coverage(coverage: &Coverage, tool: &str) -> String {
    let rules = coverage.requirements.iter().map(rule).collect();
    let results = coverage
        .uncovered_must()
        .into_iter()
        .map(|r| {
            json!({
                "ruleId": r.id,
                "level": "error",
                "message": {"text": format!("no case tests this must requirement: {}", r.text)},
                "locations": [location(&r.file.display().to_string(), r.line)],
            })
        })
        .collect();
    document(tool, rules, results)
}

fn document(tool: &str, rules: Vec<Value>, results: Vec<Value>) -> String {
    let version = tool.rsplit(' ').next().unwrap_or_default();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "authconform",
                "version": version,
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn rule(r: &Requirement) -> Value {
    json!({
        "id": r.id,
        "shortDescription": {"text": r.text},
        "defaultConfiguration": {"level": level(r.level)},
        "properties": {"level": r.level.name(), "source": r.source},
    })
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Must => "error",
        Level::Should => "warning",
        Level::Compat => "note",
    }
}

fn location(file: &str, line: u64) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": file.replace('\\', "/")}});
    if line > 0 {
        physical["region"] = json!({"startLine": line});
    }
    json!({"physicalLocation": physical})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Gate;
    use crate::report::CaseResult;
    use crate::report::model::Mismatch;

    #[test]
    fn failed_cases_become_results_under_their_requirement() {
        let mut failed = CaseResult::sample("alg-none", Level::Must, CaseStatus::Failed);
        failed.reference = "jwt.md#alg none".into();
        failed.file = "scenarios/jwt/core.yaml".into();
        failed.line = 12;
        failed.mismatches = vec![Mismatch {
            what: "status".into(),
            expected: "401".into(),
            actual: "200".into(),
        }];
        let mut odd = CaseResult::sample("odd", Level::Should, CaseStatus::Failed);
        odd.gating = false;
        let passed = CaseResult::sample("fine", Level::Must, CaseStatus::Passed);
        let gate = Gate::parse("must").unwrap();
        let mut report = Report::new("t".into(), &gate, 0, false, vec![failed, odd, passed]);
        report.requirements = vec![Requirement {
            id: "jwt/alg-none".into(),
            level: Level::Must,
            text: "alg none is refused".into(),
            matches: vec!["jwt.md#alg none".into()],
            source: "jwt.md".into(),
            file: "requirements/jwt.yaml".into(),
            line: 4,
        }];
        let doc: Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(doc["version"], "2.1.0");
        let run = &doc["runs"][0];
        let rules: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["jwt/alg-none", UNMAPPED_RULE]);
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "passed cases are not results");
        assert_eq!(results[0]["ruleId"], "jwt/alg-none");
        assert_eq!(results[0]["level"], "error");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            12
        );
        assert!(
            results[0]["message"]["text"]
                .as_str()
                .unwrap()
                .contains("status: expected 401, got 200")
        );
        assert_eq!(results[1]["ruleId"], UNMAPPED_RULE);
        assert_eq!(results[1]["level"], "note", "a finding below the gate");
    }
}
