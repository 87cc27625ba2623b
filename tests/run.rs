//! End-to-end runs of the binary against the embedded server: every report format, no secret in any
//! output, the gate, a launched reference server, compare, baselines, profile endpoints.

mod common;

use common::{authconform, authconform_with, read, scratch};
use serde_json::Value;

#[test]
fn default_run_passes_and_writes_every_report_format() {
    let dir = scratch("formats");
    let (json, xml, md) = (dir.join("r.json"), dir.join("r.xml"), dir.join("r.md"));
    let ran = authconform(&[
        "run",
        "scenarios/",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "junit",
        "--output",
        xml.to_str().unwrap(),
        "--output",
        md.to_str().unwrap(),
    ]);
    assert_eq!(
        ran.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        ran.stdout, ran.stderr
    );
    let lines: Vec<&str> = ran.stdout.lines().collect();
    let (counts, last) = (lines[lines.len() - 2], lines[lines.len() - 1]);
    assert!(
        regex::Regex::new(r"^\d+ passed, \d+ failed, \d+ errored, \d+ skipped$")
            .unwrap()
            .is_match(counts),
        "{counts}"
    );
    assert!(
        regex::Regex::new(r"^\d+ passed, \d+ failed$")
            .unwrap()
            .is_match(last),
        "the plain closing line CI tools read: {last}"
    );

    let report: Value = serde_json::from_str(&read(&json)).unwrap();
    let summary = &report["summary"];
    assert!(summary["passed"].as_u64().unwrap() >= 40, "{summary}");
    assert_eq!(summary["errored"], 0);
    for key in ["passed", "failed", "skipped", "errored"] {
        assert!(summary[key].is_u64(), "summary.{key}");
    }
    let cases = report["cases"].as_array().unwrap();
    for case in cases {
        for key in ["suite", "name", "level", "ref", "status", "duration_ms"] {
            assert!(!case[key].is_null(), "case without {key}: {case}");
        }
        if case["status"] == "failed" {
            assert!(
                case["expected"].is_string() && case["actual"].is_string(),
                "{case}"
            );
            assert_ne!(
                case["level"], "must",
                "a must case failed on the reference server: {case}"
            );
            assert_ne!(
                case["level"], "compat",
                "a compat case failed on the reference server: {case}"
            );
        }
    }
    let xml = read(&xml);
    let suite_files: std::collections::BTreeSet<&str> =
        cases.iter().map(|c| c["file"].as_str().unwrap()).collect();
    assert!(suite_files.len() >= 9, "{suite_files:?}");
    assert_eq!(
        xml.matches("<testsuite ").count(),
        suite_files.len(),
        "one testsuite per suite file"
    );
    assert_eq!(xml.matches("<testcase ").count(), cases.len());
    // Findings are failures of type `finding`, so CI's count matches the terminal's `N failed`;
    // no gate failure on the reference.
    let failed = cases.iter().filter(|c| c["status"] == "failed").count();
    assert!(failed > 0);
    assert_eq!(
        xml.matches("<failure ").count(),
        xml.matches("<failure message=\"finding below the gate")
            .count()
    );
    assert_eq!(xml.matches("type=\"finding\"").count(), failed);
    assert!(
        xml.contains(&format!("failures=\"{failed}\" errors=")),
        "the testsuites total"
    );
    // Each testcase carries its file and line, and its level as a property, not in its name.
    let first = &cases[0];
    assert!(
        xml.contains(&format!(
            "file=\"{}\" line=\"{}\"",
            first["file"].as_str().unwrap(),
            first["line"]
        )),
        "{first}"
    );
    assert!(xml.contains("<property name=\"level\" value=\"must\"/>"));
    assert!(!xml.contains(" (must)\""), "the level is not in the name");
    let md = read(&md);
    assert!(md.contains("| must |") && md.contains("**passed**"), "{md}");
}

#[test]
fn no_fixture_secret_appears_in_any_output() {
    let dir = scratch("secrets");
    let outputs: Vec<_> = ["json", "xml", "md", "html", "sarif"]
        .iter()
        .map(|e| dir.join(format!("r.{e}")))
        .collect();
    let mut args = vec!["run", "scenarios/", "--fail-on", "compat"];
    for o in &outputs {
        args.extend(["--output", o.to_str().unwrap()]);
    }
    let ran = authconform(&args);
    assert_eq!(ran.code, 1, "should findings fail the strictest gate");
    let mut everything = format!("{}{}", ran.stdout, ran.stderr);
    for o in &outputs {
        everything.push_str(&read(o));
    }
    assert!(
        everything.contains("Authorization: Basic ***"),
        "requests are shown, masked"
    );
    for generated in [
        authconform::provision::credentials::PASSWORD_PREFIX,
        authconform::provision::credentials::TOKEN_PREFIX,
    ] {
        assert!(
            !everything.contains(generated),
            "a generated secret ({generated}…) leaked"
        );
    }
    assert!(
        !everything.contains("pa:ss:word"),
        "a fixed password leaked"
    );
    assert!(
        !everything.contains("PRIVATE KEY"),
        "a TLS or signing key leaked"
    );
}

#[test]
fn gate_levels_decide_the_exit_status() {
    assert_eq!(
        authconform(&[
            "run",
            "scenarios/chroma/basic.yaml",
            "--fail-on",
            "must,compat"
        ])
        .code,
        0
    );
    let strict = authconform(&["run", "scenarios/chroma/basic.yaml", "--fail-on", "should"]);
    assert_eq!(strict.code, 1);
    assert!(strict.stdout.contains("FAIL  should"), "{}", strict.stdout);
}

#[test]
fn a_launched_reference_server_gives_the_embedded_verdicts() {
    for (scenarios, target) in [
        ("scenarios/chroma", "targets/reference-chroma.yaml"),
        ("scenarios/weaviate", "targets/reference-weaviate.yaml"),
        ("scenarios/jwt", "targets/reference-generic.yaml"),
    ] {
        let dir = scratch(&format!("launched-{}", target.replace('/', "-")));
        let (embedded, launched) = (dir.join("embedded.json"), dir.join("launched.json"));
        assert_eq!(
            authconform(&["run", scenarios, "-o", embedded.to_str().unwrap()]).code,
            0
        );
        let ran = authconform_with(
            &[
                "run",
                scenarios,
                "-t",
                target,
                "-o",
                launched.to_str().unwrap(),
            ],
            &[("AUTHCONFORM_BIN", common::bin())],
        );
        assert_eq!(ran.code, 0, "{target}:\n{}\n{}", ran.stdout, ran.stderr);
        // The one timing case is a statistical verdict: on a loaded machine it is inconclusive
        // (skipped) in one run and decided in the other, which says nothing about the server.
        let compared = authconform(&[
            "compare",
            embedded.to_str().unwrap(),
            launched.to_str().unwrap(),
            "--allow",
            "chroma-basic/unknown-user-as-slow-as-wrong-password",
        ]);
        assert_eq!(compared.code, 0, "{target}: {}", compared.stdout);
        assert!(
            compared.stdout.contains("same verdict"),
            "{}",
            compared.stdout
        );
    }
}

#[test]
fn compare_names_diverging_cases() {
    let dir = scratch("compare");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    std::fs::write(
        &a,
        r#"{"cases":[{"suite":"s","name":"x","mode":"basic","status":"passed"}]}"#,
    )
    .unwrap();
    std::fs::write(
        &b,
        r#"{"cases":[{"suite":"s","name":"x","mode":"basic","status":"failed"}]}"#,
    )
    .unwrap();
    let ran = authconform(&["compare", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout.contains("s/x [basic]") && ran.stdout.contains("passed | failed"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    for args in [
        &["list", "scenarios/"][..],
        &["run", "scenarios/chroma/basic.yaml"][..],
    ] {
        let mut child = std::process::Command::new(common::bin())
            .args(args)
            .current_dir(common::root())
            .env("CI", "true")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // like `| head -0`: the reader is gone before the first line
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn a_baseline_tolerates_known_failures_fails_new_ones_and_names_fixed_ones() {
    let dir = scratch("baseline");
    let (report, known) = (dir.join("report.json"), dir.join("known.json"));
    let suite = "scenarios/chroma/basic.yaml";
    let strict = authconform(&[
        "run",
        suite,
        "--fail-on",
        "should",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(strict.code, 1, "should findings fail the should gate");
    let made = authconform(&[
        "baseline",
        report.to_str().unwrap(),
        "-o",
        known.to_str().unwrap(),
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let gated = |baseline: &std::path::Path| {
        authconform(&[
            "run",
            suite,
            "--fail-on",
            "should",
            "--baseline",
            baseline.to_str().unwrap(),
        ])
    };
    let tolerated = gated(&known);
    assert_eq!(tolerated.code, 0, "{}", tolerated.stderr);
    assert!(
        tolerated.stderr.contains("known failure(s) tolerated"),
        "{}",
        tolerated.stderr
    );

    // One known failure less: that one is new again and fails the gate.
    let mut value: serde_json::Value = serde_json::from_str(&read(&known)).unwrap();
    let list = value["known_failures"].as_array_mut().unwrap();
    let dropped = list.remove(0);
    list.push(serde_json::json!(
        "chroma-basic/wrong-password-refused [basic]"
    ));
    let edited = dir.join("edited.json");
    std::fs::write(&edited, value.to_string()).unwrap();
    let ran = gated(&edited);
    assert_eq!(ran.code, 1, "{} is new", dropped);
    assert!(
        ran.stderr.contains(
            "now pass — remove them from the baseline: chroma-basic/wrong-password-refused [basic]"
        ),
        "{}",
        ran.stderr
    );
}

/// A profile's endpoint headers and verb classes: the header goes with every request to the
/// endpoint (here shown in the failure of a server that lets everything in), and a matrix that
/// gives no class takes the profile's.
#[test]
fn profile_endpoint_headers_are_sent_and_its_classes_fill_a_matrix() {
    let server = common::accepts_anything();
    let dir = common::scratch("profile-headers");
    std::fs::write(
        dir.join("tenant-proxy.yaml"),
        "name: tenant-proxy\nextends: http-basic\nendpoints:\n  - { name: health, path: /health, access: public }\n  - { name: whoami, path: /whoami, access: protected, headers: { X-Tenant: acme }, class: read }\n",
    )
    .unwrap();
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "name: tenant\ndialect: ./tenant-proxy.yaml\nbase_url: http://127.0.0.1:{}\nmodes: [basic]\nfixtures:\n  users:\n    alice: {{ name: alice, password: alice-password-1 }}\n    bob: {{ name: bob, password: \"bob:password:2\" }}\n",
            server.port
        ),
    )
    .unwrap();
    let ran = authconform(&[
        "run",
        "scenarios/http-basic",
        "-t",
        target.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("request:  GET /whoami; X-Tenant: acme"),
        "{}",
        ran.stdout
    );
    // The long-password suite needs a fixture user the running target does not give: that suite
    // alone is skipped, the basic suite of the same mode still runs (it failed above).
    assert!(
        ran.stdout
            .lines()
            .any(|l| l.contains("skip") && l.contains("long-password-accepted")),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("user \"carol\""), "{}", ran.stdout);

    let matrix = dir.join("matrix.yaml");
    std::fs::write(
        &matrix,
        "suite: m\ndialect: weaviate\nmodes: [adminlist]\nfixtures:\n  users: { jane: { role: admin } }\n  tokens: { jane-secret: { user: jane } }\nmatrix:\n  level: must\n  ref: r\n  endpoints: [{ name: meta }, { name: object_delete }]\n  principals: [{ name: jane, role: admin, auth: { token: \"{{ tokens.jane-secret }}\" } }]\n  rules: { admin: { read: 200, delete: [200, 204] } }\n",
    )
    .unwrap();
    let listed = authconform(&["list", matrix.to_str().unwrap()]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stdout.contains("jane@object_delete"),
        "{}",
        listed.stdout
    );
    std::fs::write(
        &matrix,
        "suite: m\ndialect: chroma\nmodes: [basic]\nmatrix:\n  level: must\n  ref: r\n  endpoints: [{ name: identity }]\n  principals: [{ name: anonymous }]\n  rules: { anonymous: { read: 403 } }\n",
    )
    .unwrap();
    let refused = authconform(&["validate", matrix.to_str().unwrap()]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("matrix endpoint \"identity\" has no verb class"),
        "{}",
        refused.stderr
    );
}

#[test]
fn junit_findings_can_still_be_written_as_skipped() {
    let ran = authconform(&[
        "run",
        "scenarios/chroma/basic.yaml",
        "-f",
        "junit",
        "--junit-findings",
        "skipped",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.contains("type=\"finding\""), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("<skipped message=\"finding below the gate (should)"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains(" failures=\"0\" "), "{}", ran.stdout);
}
