//! SARIF 2.1.0 for code-scanning dashboards: rules are requirements (`requirements/`), results are
//! the cases that failed or errored (a run) or the `must` requirements no case tests (coverage).
//! What GitHub code scanning reads is filled in: a `partialFingerprints` entry per result (suite,
//! case and mode, so the same case in two modes stays two alerts), `automationDetails.id` (a run
//! and a coverage upload do not replace each other), rules with `fullDescription`, `help`,
//! `helpUri`, tags and `security-severity` (must high, should medium, compat low), and
//! repository-relative URIs under `%SRCROOT%`.

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
            let text = "A case whose ref matches no requirement of the catalogue";
            rules.push(json!({
                "id": UNMAPPED_RULE,
                "shortDescription": {"text": text},
                "fullDescription": {"text": text},
                "help": {"text": format!("{text}: the case's own ref and message say what it checks."),
                         "markdown": format!("{text}: the case's own `ref` and message say what it checks.")},
                "helpUri": format!("{DOCS}/levels.md"),
                "properties": {"tags": ["security", "authentication"]},
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
            "partialFingerprints": {FINGERPRINT: format!("{}/{} [{}]", case.suite, case.name, case.mode)},
            "properties": {"case": case.name, "mode": case.mode, "ref": case.reference, "level": case.level.name()},
        }));
    }
    document(&report.tool, "authconform/run/", rules, results)
}

/// The `partialFingerprints` key: the case's identity, stable across runs and line moves.
pub const FINGERPRINT: &str = "authconformCase/v1";

/// Where the manual lives, for rules' `helpUri`.
const DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs");

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
                "partialFingerprints": {FINGERPRINT: format!("uncovered {}", r.id)},
            })
        })
        .collect();
    document(tool, "authconform/coverage/", rules, results)
}

fn document(tool: &str, automation: &str, rules: Vec<Value>, results: Vec<Value>) -> String {
    let version = tool.rsplit(' ').next().unwrap_or_default();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "authconform",
                "version": version,
                "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                "rules": rules,
            }},
            "automationDetails": {"id": automation},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the directory authconform ran in: the repository that holds the scenarios"}}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn rule(r: &Requirement) -> Value {
    let meaning = match r.level {
        Level::Must => "a security property: a server that fails it is not conformant",
        Level::Should => "protocol hygiene the RFCs ask for",
        Level::Compat => "the exact documented behaviour of one dialect and version",
    };
    json!({
        "id": r.id,
        "name": r.id.replace(['/', '-'], "_"),
        "shortDescription": {"text": r.text},
        "fullDescription": {"text": format!("{} (source: {})", r.text, r.source)},
        "help": {
            "text": format!("{}\n\nLevel {}: {meaning}. Source: {}. The failing case's message names the request and what the server answered.", r.text, r.level.name(), r.source),
            "markdown": format!("**{}**\n\nLevel `{}`: {meaning}. Source: {}. The failing case's message names the request and what the server answered.", r.text, r.level.name(), r.source),
        },
        "helpUri": help_uri(&r.source),
        "defaultConfiguration": {"level": level(r.level)},
        "properties": {
            "level": r.level.name(),
            "source": r.source,
            "security-severity": security_severity(r.level),
            "tags": tags(r),
        },
    })
}

/// GitHub's scale: 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(l: Level) -> &'static str {
    match l {
        Level::Must => "8.0",
        Level::Should => "5.0",
        Level::Compat => "2.0",
    }
}

fn tags(r: &Requirement) -> Vec<String> {
    let mut tags = vec!["security".to_owned(), r.level.name().to_owned()];
    if let Some((family, _)) = r.id.split_once('/') {
        tags.push(family.to_owned());
    }
    tags
}

/// The spec page of a `*.md` source, the RFC of an `RFC NNNN` one, else the levels page.
fn help_uri(source: &str) -> String {
    if let Some(page) = source.strip_suffix(".md") {
        return format!("{DOCS}/spec/{page}.md");
    }
    if let Some(number) = source
        .strip_prefix("RFC ")
        .map(|r| {
            r.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
    {
        return format!("https://www.rfc-editor.org/rfc/rfc{number}");
    }
    format!("{DOCS}/levels.md")
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Must => "error",
        Level::Should => "warning",
        Level::Compat => "note",
    }
}

/// A path as typed (`./scenarios/x.yaml`, `/abs/checkout/scenarios/x.yaml`) as the URI code
/// scanning resolves against the checkout: relative to `%SRCROOT%` (the directory authconform ran
/// in) when it is under it; an absolute `file://` URI otherwise.
fn artifact(file: &str) -> Value {
    let file = file.replace('\\', "/");
    let path = std::path::Path::new(&file);
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
    } else {
        Some(file.trim_start_matches("./").to_owned())
    };
    match relative {
        Some(rel) => json!({"uri": percent_encode_path(&rel), "uriBaseId": "%SRCROOT%"}),
        None => json!({"uri": format!("file://{}", percent_encode_path(&file))}),
    }
}

/// Percent-encodes what may not stand in a URI path (RFC 3986 §3.3), `/` kept.
fn percent_encode_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn location(file: &str, line: u64) -> Value {
    let mut physical = json!({"artifactLocation": artifact(file)});
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
        // What code scanning needs to keep alerts apart and rank them.
        assert_eq!(
            results[0]["partialFingerprints"][FINGERPRINT],
            "s/alg-none [m]"
        );
        assert_eq!(run["automationDetails"]["id"], "authconform/run/");
        let location = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uri"], "scenarios/jwt/core.yaml");
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
        let rule = &run["tool"]["driver"]["rules"][0];
        assert_eq!(rule["properties"]["security-severity"], "8.0");
        assert_eq!(rule["helpUri"], format!("{DOCS}/spec/jwt.md"));
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains("Level must")
        );
    }

    #[test]
    fn uris_are_relative_to_the_checkout_and_encoded() {
        assert_eq!(
            artifact("./scenarios/a b.yaml"),
            json!({"uri": "scenarios/a%20b.yaml", "uriBaseId": "%SRCROOT%"})
        );
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("scenarios/x.yaml");
        assert_eq!(
            artifact(inside.to_str().unwrap())["uri"],
            "scenarios/x.yaml"
        );
        assert_eq!(
            artifact("/elsewhere/x.yaml"),
            json!({"uri": "file:///elsewhere/x.yaml"})
        );
        assert_eq!(
            help_uri("RFC 7617, RFC 6750"),
            "https://www.rfc-editor.org/rfc/rfc7617"
        );
        assert_eq!(help_uri("RFCs"), format!("{DOCS}/levels.md"));
    }
}
