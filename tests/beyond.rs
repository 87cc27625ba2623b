//! Issue 10's tools end to end: the access matrix and uniform-rejection groups in a run, the
//! leeway probe against a strict and a lenient server, requirement coverage and SARIF.

mod common;

use common::{authconform, read, scratch};
use serde_json::Value;

/// `mutants` on `suites` with `flaw` alone: its entry of the JSON report, after checking that the
/// flaw was caught.
fn caught(suites: &[&str], flaw: &str) -> Value {
    // One suite may hold a single catching case: catching, not independence, is checked here.
    let ran = authconform(
        &[
            &["mutants"],
            suites,
            &["--flaw", flaw, "-f", "json", "--min-independent", "1"],
        ]
        .concat(),
    );
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    report["flaws"][0].clone()
}

/// The ids of the cases that caught a flaw, as one string to search.
fn catching(flaw: &Value) -> String {
    flaw["caught_by"].to_string()
}

#[test]
fn the_access_matrix_prints_as_a_table_and_catches_a_read_only_user_who_writes() {
    let ran = authconform(&["run", "scenarios/weaviate/access-matrix.yaml"]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(
            "access matrix [adminlist]: 5 principals × 6 endpoints, 30 as expected, 0 not"
        ),
        "{}",
        ran.stdout
    );
    let ian = ran
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("ian "))
        .expect("a row for ian");
    assert_eq!(
        ian.split_whitespace().collect::<Vec<_>>(),
        ["ian", "200", "200", "200", "403", "403", "403"]
    );
    let flaw = caught(
        &["scenarios/weaviate/access-matrix.yaml"],
        "read-only-may-write",
    );
    assert!(
        catching(&flaw).contains("ian@schema_create"),
        "the matrix cell names the catch: {flaw}"
    );
}

#[test]
fn chroma_rbac_matrix_catches_rbac_that_is_not_enforced() {
    let flaw = caught(&["scenarios/chroma/rbac.yaml"], "rbac-ignored");
    assert_eq!(flaw["caught"], true, "{flaw}");
    assert!(catching(&flaw).contains("rita@create_collection"), "{flaw}");
}

#[test]
fn a_uniform_group_fails_when_one_refusal_tells_more_than_the_others() {
    let flaw = caught(&["scenarios/chroma/basic.yaml"], "unknown-user-distinct");
    assert!(
        catching(&flaw).contains("uniform:unknown-user-answered-like-wrong-password"),
        "{flaw}"
    );
}

#[test]
fn the_leeway_probe_passes_a_strict_server_and_finds_a_lenient_one() {
    let strict = authconform(&["probe", "leeway"]);
    assert_eq!(strict.code, 0, "{}\n{}", strict.stdout, strict.stderr);
    assert!(
        strict
            .stdout
            .contains("exp  refused even at 0s (no leeway)"),
        "{}",
        strict.stdout
    );
    assert!(strict.stdout.contains("verdict: pass"), "{}", strict.stdout);
    let lenient = authconform(&["probe", "leeway", "--debug-with-flaw", "generous-leeway"]);
    assert_eq!(lenient.code, 1, "{}\n{}", lenient.stdout, lenient.stderr);
    assert!(
        lenient
            .stdout
            .contains("exp  accepted up to 299s past, refused at 300s"),
        "{}",
        lenient.stdout
    );
    assert!(
        lenient
            .stdout
            .contains("nbf  accepted up to 300s ahead, refused at 301s"),
        "{}",
        lenient.stdout
    );
    assert!(
        lenient.stdout.contains("verdict: FINDING"),
        "{}",
        lenient.stdout
    );
    let tolerant = authconform(&[
        "probe",
        "leeway",
        "--debug-with-flaw",
        "generous-leeway",
        "--max",
        "5m",
    ]);
    assert_eq!(
        tolerant.code, 0,
        "300s is within a 5m maximum: {}",
        tolerant.stdout
    );
}

#[test]
fn the_leeway_probe_refuses_a_mode_without_an_issuer() {
    let ran = authconform(&["probe", "leeway", "--dialect", "chroma", "--mode", "basic"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("does not validate JWTs"),
        "{}",
        ran.stderr
    );
}

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

#[test]
fn a_target_that_fetches_keys_over_unverified_tls_is_caught() {
    let suites = [
        "scenarios/jwt/issuer-tls-ca-signed.yaml",
        "scenarios/jwt/issuer-tls-self-signed.yaml",
        "scenarios/jwt/issuer-tls-expired.yaml",
        "scenarios/jwt/issuer-tls-wrong-host.yaml",
        "scenarios/jwt/issuer-tls-other-ca.yaml",
    ];
    let run = authconform(&[&["run"], &suites[..]].concat());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("14 passed, 0 failed"), "{}", run.stdout);
    let flaw = caught(&suites, "jwks-tls-unverified");
    assert_eq!(flaw["caught"], true, "{flaw}");
    for cert in ["self-signed", "expired", "wrong-host", "other-ca"] {
        assert!(
            catching(&flaw).contains(&format!("jwt-issuer-tls-{cert}/valid-token-refused")),
            "{cert}: {flaw}"
        );
    }
}

#[test]
fn the_fuzz_block_finds_a_server_that_breaks_on_malformed_headers_and_prints_a_replay() {
    let dir = scratch("live-fuzz");
    let target = dir.join("flawed.yaml");
    std::fs::write(
        &target,
        format!(
            "name: flawed-chroma\ndialect: chroma\nready: {{ path: /api/v2/heartbeat, timeout: 20s }}\nlaunch:\n  modes:\n    basic:\n      command: [{:?}, serve, --dialect, chroma, --mode, basic, --port, \"{{{{ port }}}}\", --credentials-file, \"{{{{ fixtures.htpasswd }}}}\", --debug-with-flaw, malformed-header-500]\n",
            common::bin()
        ),
    )
    .unwrap();
    let suite = dir.join("fuzz.yaml");
    std::fs::write(
        &suite,
        "suite: fuzz-only\ndialect: chroma\nmodes: [basic]\nfixtures: { users: { admin: {} } }\nfuzz:\n  level: must\n  ref: \"RFC 9110 §15.5\"\n  endpoint: identity\n  inputs: [authorization]\n  cases: 150\n  seed: 7\n",
    )
    .unwrap();
    let ran = authconform(&[
        "run",
        suite.to_str().unwrap(),
        "-t",
        target.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("answered 500 (broke)"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("(seed 7)"), "{}", ran.stdout);
    let replay = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("- { name: fuzz-found-authorization"))
        .expect("a replay case");
    let replayed = dir.join("replay.yaml");
    std::fs::write(
        &replayed,
        format!("suite: replay\ndialect: chroma\nmodes: [basic]\nfixtures: {{ users: {{ admin: {{}} }} }}\ncases:\n  {replay}\n"),
    )
    .unwrap();
    // A value that broke the server (500) replays as a `should` case: robustness, not security.
    assert!(replay.contains("level: should"), "{replay}");
    let again = authconform(&[
        "run",
        replayed.to_str().unwrap(),
        "-t",
        target.to_str().unwrap(),
        "--fail-on",
        "should",
    ]);
    assert_eq!(
        again.code, 1,
        "the replay case fails the same way:\n{}",
        again.stdout
    );
    let clean = authconform(&["run", replayed.to_str().unwrap(), "--fail-on", "should"]);
    assert_eq!(
        clean.code, 0,
        "and passes on the sound server:\n{}",
        clean.stdout
    );

    let flaw = caught(&["scenarios/chroma/basic.yaml"], "malformed-header-500");
    assert!(catching(&flaw).contains("fuzz:authorization"), "{flaw}");
}

#[test]
fn the_html_report_draws_each_access_matrix() {
    let dir = scratch("matrix-html");
    let page = dir.join("report.html");
    let ran = authconform(&[
        "run",
        "scenarios/weaviate/access-matrix.yaml",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let html = read(&page);
    assert!(html.contains("<h2>Access matrices</h2>"), "{html}");
    let ian = html
        .lines()
        .find(|l| l.starts_with("<tr><th>ian</th>"))
        .expect("a row for ian");
    assert_eq!(ian.matches("class=\"num passed\"").count(), 6, "{ian}");
    assert!(ian.contains(">403</td>"), "{ian}");
}
