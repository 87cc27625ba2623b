//! The SARIF authconform writes, checked by tools nobody here wrote (`scripts/validate-sarif.py`
//! over `.venv/sarif`, made by `scripts/install-sarif-validator.sh`): the SARIF 2.1.0 JSON schema
//! with Python's jsonschema, and Microsoft's SARIF Multitool with GitHub code scanning's ingestion
//! rules. Skipped, saying so, without the validators.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{authconform, root, scratch};

fn validator() -> Option<PathBuf> {
    let python = root().join(".venv/sarif/py/bin/python");
    if python.exists() {
        Some(python)
    } else {
        eprintln!(
            "skipped: no SARIF validators at .venv/sarif (run scripts/install-sarif-validator.sh)"
        );
        None
    }
}

fn validate(python: &Path, files: &[&Path]) -> (i32, String) {
    let out = Command::new(python)
        .arg(root().join("scripts/validate-sarif.py"))
        .args(files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("{text}");
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn run_and_coverage_sarif_pass_the_schema_and_githubs_rules() {
    let Some(python) = validator() else { return };
    let dir = scratch("sarif-validates");
    let (gated, below, coverage) = (
        dir.join("gated.sarif"),
        dir.join("below.sarif"),
        dir.join("coverage.sarif"),
    );
    // Gate failures (error level) in two modes of one case, and findings below the gate (notes).
    let ran = authconform(&[
        "run",
        "./scenarios/chroma/token.yaml",
        "--fail-on",
        "should",
        "-o",
        gated.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 1, "{}", ran.stdout);
    let ran = authconform(&["run", "scenarios/chroma", "-o", below.to_str().unwrap()]);
    assert_eq!(ran.code, 0, "{}", ran.stdout);
    let ran = authconform(&["coverage", "-f", "sarif", "-o", coverage.to_str().unwrap()]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let (code, out) = validate(&python, &[&gated, &below, &coverage]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches(": valid").count(), 3, "{out}");

    // The same case failing in two modes is two alerts: same rule, file and line, two fingerprints.
    let doc: serde_json::Value = serde_json::from_str(&common::read(&gated)).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let fingerprints: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["authconformCase/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        fingerprints.len(),
        results.len(),
        "one fingerprint per result"
    );
    let places: BTreeSet<String> = results
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            format!(
                "{} {} {}",
                r["ruleId"], at["artifactLocation"]["uri"], at["region"]["startLine"]
            )
        })
        .collect();
    assert!(
        places.len() < results.len(),
        "two modes share a place: {places:?}"
    );
    assert!(
        results.iter().all(|r| {
            let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            uri["uriBaseId"] == "%SRCROOT%"
                && uri["uri"].as_str().unwrap().starts_with("scenarios/")
        }),
        "`./scenarios/…` as typed becomes a repository-relative URI"
    );
    assert_eq!(
        doc["runs"][0]["automationDetails"]["id"],
        "authconform/run/"
    );
    let cov: serde_json::Value = serde_json::from_str(&common::read(&coverage)).unwrap();
    assert_eq!(
        cov["runs"][0]["automationDetails"]["id"],
        "authconform/coverage/"
    );
}

#[test]
fn the_validators_refuse_what_the_schema_refuses() {
    let Some(python) = validator() else { return };
    let dir = scratch("sarif-refused");
    let good = dir.join("good.sarif");
    let ran = authconform(&[
        "run",
        "scenarios/chroma/basic.yaml",
        "--fail-on",
        "should",
        "-o",
        good.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&common::read(&good)).unwrap();
    // One break each validator must see (the Multitool skips a file whose enums do not parse,
    // which is why the schema is checked on its own too).
    let mut wrong_level = doc.clone();
    wrong_level["runs"][0]["results"][0]["level"] = "fatal".into();
    let mut no_help = doc;
    let rules = no_help["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap();
    rules[0].as_object_mut().unwrap().remove("help");
    let wrong_level = common::write_file(&dir, "level.sarif", &wrong_level.to_string());
    let no_help = common::write_file(&dir, "help.sarif", &no_help.to_string());
    let (code, out) = validate(&python, &[&wrong_level, &no_help]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("'fatal' is not one of"), "{out}");
    assert!(
        out.contains("GH2012"),
        "GitHub's rule: a rule needs help\n{out}"
    );
    assert_eq!(out.matches(" problem(s)").count(), 2, "{out}");
}
