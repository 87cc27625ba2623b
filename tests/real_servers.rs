//! The http-basic suites against real nginx and Apache 2.4, launched by authconform with the
//! htpasswd files it generated: the correct configurations pass the gate, the misconfigured ones
//! fail it at the endpoint left open. Needs the Debian packages `nginx` and `apache2` (`.ci/run`
//! installs them); without them each test says so and checks nothing else.

mod common;

use common::{authconform, installed};

fn check(server: &str, program: &str) {
    if !installed(program) {
        eprintln!("skipped: {program} is not installed (apt-get install {program})");
        return;
    }
    let good = format!("targets/{server}-basic.yaml");
    let ran = authconform(&[
        "run",
        "scenarios/http-basic",
        "-t",
        &good,
        "--fail-on",
        "must,compat",
        "-f",
        "json",
    ]);
    assert_eq!(ran.code, 0, "{server}: {}\n{}", ran.stdout, ran.stderr);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let passed = report["summary"]["passed"].as_u64().unwrap();
    assert!(passed >= 50, "{server}: {}", report["summary"]);
    let wrong = format!("targets/{server}-basic-wrong.yaml");
    let ran = authconform(&["run", "scenarios/http-basic", "-t", &wrong]);
    assert_eq!(ran.code, 1, "{server} misconfigured: {}", ran.stdout);
    let failures: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("  FAIL"))
        .collect();
    assert!(failures.len() >= 10, "{failures:?}");
    assert!(
        failures.iter().all(|l| l.contains("@whoami")),
        "only the open endpoint fails: {failures:?}"
    );
}

#[test]
fn nginx_auth_basic_passes_and_its_return_before_auth_is_caught() {
    check("nginx", "nginx");
}

#[test]
fn apache_mod_auth_basic_passes_and_a_location_without_require_is_caught() {
    check("apache", "apache2");
}

/// A profile a user wrote for a family the project has no code for runs the neutral suites over
/// its own endpoints, with no Rust change.
#[test]
fn a_users_profile_runs_the_http_basic_suites_over_its_endpoints() {
    if !installed("nginx") {
        eprintln!("skipped: nginx is not installed (apt-get install nginx)");
        return;
    }
    let ran = authconform(&[
        "run",
        "scenarios/http-basic",
        "-t",
        "targets/search-proxy-nginx.yaml",
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    for endpoint in ["@cluster_health", "@cat_indices", "@get_document"] {
        assert!(ran.stdout.contains(endpoint), "{endpoint}: {}", ran.stdout);
    }
    assert!(
        !ran.stdout.contains("@whoami"),
        "the parent's example endpoints are not probed"
    );
}

/// An API-key server that reads the key from `Authorization: ApiKey …`: the target's
/// `credentials:` moves the key there and the api-key suite passes; without it the key travels in
/// the profile's `X-API-Key`, nginx refuses it, and the gate fails on the acceptance cases.
#[test]
fn a_targets_credentials_place_moves_the_api_key() {
    if !installed("nginx") {
        eprintln!("skipped: nginx is not installed (apt-get install nginx)");
        return;
    }
    let ran = authconform(&[
        "run",
        "scenarios/api-key",
        "-t",
        "targets/nginx-api-key.yaml",
        "--fail-on",
        "must,compat",
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout
            .contains("pass  must    valid-key-accepted @whoami"),
        "{}",
        ran.stdout
    );

    let dir = common::scratch("api-key-place");
    let text = common::read(&common::root().join("targets/nginx-api-key.yaml"));
    let unmoved = text.replace(
        "credentials: { header: Authorization, prefix: \"ApiKey \" }\n",
        "",
    );
    assert_ne!(unmoved, text);
    let target = dir.join("nginx-api-key-unmoved.yaml");
    std::fs::write(&target, unmoved).unwrap();
    let ran = authconform(&["run", "scenarios/api-key", "-t", target.to_str().unwrap()]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout
            .contains("FAIL  must    valid-key-accepted @whoami"),
        "{}",
        ran.stdout
    );
}

/// nginx over DES crypt htpasswd lines (`htpasswd -d`), which it verifies through the system's
/// crypt(3): a password is read to its 8th character only, and the truncation cases fail the gate.
#[test]
fn nginx_over_des_crypt_lines_is_caught_truncating_passwords() {
    if !installed("nginx") || !authconform::authn::crypt::available() {
        eprintln!("skipped: needs nginx and the system's libcrypt");
        return;
    }
    let ran = authconform(&[
        "run",
        "scenarios/http-basic/basic.yaml",
        "-t",
        "targets/nginx-basic-des.yaml",
    ]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    let failures: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("  FAIL"))
        .collect();
    for case in [
        "password-first-8-characters-refused @whoami",
        "password-first-8-characters-and-another-tail-refused @whoami",
        "password-with-its-tail-changed-refused @whoami",
    ] {
        assert!(
            failures.iter().any(|l| l.contains(case)),
            "{case}: {failures:?}"
        );
    }
    assert!(
        failures.iter().all(|l| l.contains("password")),
        "only the truncation cases fail: {failures:?}"
    );
}
