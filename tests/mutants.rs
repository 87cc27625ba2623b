//! Mutation testing: the catalogue, a flaw caught, a survivor named when its catching cases are
//! gone, and no way to switch a flaw on in a normal run.

mod common;

use common::{authconform, read, scratch};
use serde_json::Value;

#[test]
fn the_catalogue_lists_at_least_25_flaws() {
    let ran = authconform(&["mutants", "--list"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.lines().count() >= 25, "{}", ran.stdout);
    assert!(ran.stdout.contains("alg-none-accepted"), "{}", ran.stdout);
}

#[test]
fn a_flaw_is_caught_and_a_flaw_without_its_cases_survives_by_name() {
    let dir = scratch("mutants");
    let json = dir.join("mutants.json");
    let caught = authconform(&[
        "mutants",
        "scenarios/jwt/core.yaml",
        "--flaw",
        "crit-ignored",
        "--flaw",
        "alg-none-accepted",
        "-f",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(caught.code, 0, "{}\n{}", caught.stdout, caught.stderr);
    let report: Value = serde_json::from_str(&read(&json)).unwrap();
    assert_eq!(report["score"]["must_caught"], 1);
    assert_eq!(report["score"]["should_caught"], 1);
    let alg_none = report["flaws"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "alg-none-accepted")
        .unwrap();
    assert!(
        alg_none["caught_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["case"] == "jwt-core/alg-none [jwt]"),
        "{alg_none}"
    );

    // The same suite with one of the two cases that catch crit-ignored: caught, but thin (exit 1).
    let suite = read(&common::root().join("scenarios/jwt/core.yaml"));
    let without_case = |text: &str, name: &str| {
        let start = text.find(&format!("  - name: {name}\n")).unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        format!("{}{}", &text[..start], &text[end + 2..])
    };
    let one = without_case(&suite, "crit-unknown-extension-named-by-the-token");
    let thin_suite = dir.join("core-one-crit-case.yaml");
    std::fs::write(&thin_suite, &one).unwrap();
    let thin = authconform(&[
        "mutants",
        thin_suite.to_str().unwrap(),
        "--flaw",
        "crit-ignored",
    ]);
    assert_eq!(thin.code, 1, "{}\n{}", thin.stdout, thin.stderr);
    assert!(
        thin.stdout
            .contains("thin (caught by fewer than 2 independent cases): crit-ignored"),
        "{}",
        thin.stdout
    );
    assert!(thin.stdout.contains("survivors: none"), "{}", thin.stdout);

    // Without both, it survives.
    let without = without_case(&one, "crit-unknown-extension");
    let trimmed = dir.join("core-without-crit.yaml");
    std::fs::write(&trimmed, without).unwrap();
    let survived = authconform(&[
        "mutants",
        trimmed.to_str().unwrap(),
        "--flaw",
        "crit-ignored",
    ]);
    assert_eq!(survived.code, 1, "{}\n{}", survived.stdout, survived.stderr);
    assert!(
        survived.stdout.contains("survivors: crit-ignored"),
        "{}",
        survived.stdout
    );
    assert!(survived.stdout.contains("SURVIVED"), "{}", survived.stdout);
}

#[test]
fn normal_runs_cannot_switch_a_flaw_on() {
    for args in [
        &[
            "run",
            "scenarios/jwt/core.yaml",
            "--flaw",
            "alg-none-accepted",
        ][..],
        &[
            "serve",
            "--dialect",
            "generic",
            "--mode",
            "jwt",
            "--credentials-file",
            "x",
            "--flaw",
            "alg-none-accepted",
        ][..],
    ] {
        let ran = authconform(args);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("--flaw"), "{}", ran.stderr);
    }
    let unknown = authconform(&["mutants", "--flaw", "no-such-flaw"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
}

#[test]
fn the_html_report_holds_the_counts_and_no_secret() {
    let dir = scratch("html");
    let (html, json) = (dir.join("r.html"), dir.join("r.json"));
    let ran = authconform(&[
        "run",
        "scenarios/chroma/basic.yaml",
        "scenarios/weaviate/oidc-flow.yaml",
        "-f",
        "html",
        "-o",
        html.to_str().unwrap(),
        "-f",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let page = read(&html);
    let summary: Value = serde_json::from_str::<Value>(&read(&json)).unwrap()["summary"].clone();
    let as_n = |key: &str| summary[key].as_u64().unwrap();
    for (id, count) in [
        ("passed", as_n("passed")),
        ("gate", as_n("failed") - as_n("findings")),
        ("finding", as_n("findings")),
    ] {
        let needle = format!("id=\"count-{id}\">{count}<");
        assert!(page.contains(&needle), "{needle} not in the page");
    }
    assert!(
        page.contains("<details><summary>why</summary>"),
        "failures expand"
    );
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "no network fetches"
    );
    for secret in [
        authconform::provision::credentials::PASSWORD_PREFIX,
        authconform::provision::credentials::TOKEN_PREFIX,
        "eyJ",
    ] {
        assert!(!page.contains(secret), "{secret} in the page");
    }
}

#[test]
fn the_leak_canary_catches_a_server_that_quotes_credentials_back() {
    let dir = scratch("canary");
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        "name: echoes\ndialect: chroma\nready: { path: /api/v2/heartbeat }\nlaunch:\n  modes:\n    basic:\n      command: [\"${env:AUTHCONFORM_BIN}\", serve, --dialect, chroma, --mode, basic, --port, \"{{ port }}\", --credentials-file, \"{{ fixtures.htpasswd }}\", --debug-with-flaw, echoes-credentials]\n",
    )
    .unwrap();
    let json = dir.join("report.json");
    let ran = common::authconform_with(
        &[
            "run",
            "scenarios/chroma/basic.yaml",
            "-t",
            target.to_str().unwrap(),
            "-o",
            json.to_str().unwrap(),
        ],
        &[("AUTHCONFORM_BIN", common::bin())],
    );
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let report = read(&json);
    let value: Value = serde_json::from_str(&report).unwrap();
    let echoed: Vec<&Value> = value["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["mismatches"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["what"] == "credential echo"))
        })
        .collect();
    assert!(
        echoed.iter().any(|c| c["level"] == "must"),
        "no must case caught the echo: {report}"
    );
    assert!(
        !report.contains(authconform::provision::credentials::PASSWORD_PREFIX),
        "the echoed password is masked in the report"
    );
}
