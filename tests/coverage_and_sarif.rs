//! Requirement coverage and SARIF: the catalogue listed, findings written at their lines.

mod common;

use common::{authconform, read, scratch};
use serde_json::Value;

#[test]
fn coverage_lists_requirements_and_writes_sarif() {
    let text = authconform(&["coverage", "--strict"]);
    assert_eq!(text.code, 0, "{}\n{}", text.stdout, text.stderr);
    assert!(
        text.stdout.contains("Every must requirement is tested."),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("jwt/alg-none"), "{}", text.stdout);
    let sarif = authconform(&["coverage", "-f", "sarif"]);
    let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() >= 40, "{} rules", rules.len());
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 0);
    // Only half of the JWT suites: their must requirements show as untested.
    let partial = authconform(&["coverage", "scenarios/chroma", "--strict", "-f", "sarif"]);
    assert_eq!(partial.code, 1);
    let doc: Value = serde_json::from_str(&partial.stdout).unwrap();
    let untested: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(untested.contains(&"jwt/alg-none"), "{untested:?}");
    assert!(!untested.contains(&"chroma/simple-rbac"), "{untested:?}");
}

#[test]
fn a_run_writes_sarif_results_for_its_findings_at_their_lines() {
    let dir = scratch("sarif");
    let out = dir.join("run.sarif");
    let ran = authconform(&[
        "run",
        "scenarios/chroma/basic.yaml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let doc: Value = serde_json::from_str(&read(&out)).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let finding = results
        .iter()
        .find(|r| r["properties"]["case"] == "identity-without-credentials-is-401")
        .expect("the 403-not-401 finding");
    assert_eq!(finding["ruleId"], "rfc9110/15.5.2-401");
    assert_eq!(finding["level"], "note");
    let location = &finding["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "scenarios/chroma/basic.yaml"
    );
    let line = location["region"]["startLine"].as_u64().unwrap() as usize;
    let source = read(&common::root().join("scenarios/chroma/basic.yaml"));
    assert!(
        source
            .lines()
            .nth(line - 1)
            .unwrap()
            .contains("identity-without-credentials-is-401"),
        "line {line} is the case's name"
    );
}
