//! Servers under test from target files: launched ones that never get ready, exit at start or
//! speak TLS, running ones that refuse connections or lack a fixture, and the skips that follow.

mod common;

use std::time::{Duration, Instant};

use common::{authconform, authconform_with, scratch};
use serde_json::Value;

fn run_basic_suite(target: &std::path::Path) -> common::Ran {
    authconform(&[
        "run",
        "scenarios/chroma/basic.yaml",
        "--target",
        target.to_str().unwrap(),
    ])
}

fn write_target(name: &str, body: &str) -> std::path::PathBuf {
    let path = scratch(name).join("target.yaml");
    std::fs::write(&path, body).unwrap();
    path
}

fn process_running(marker: &str) -> bool {
    std::process::Command::new("pgrep")
        .args(["-f", marker])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn a_target_that_never_gets_ready_ends_within_the_timeout_and_leaves_nothing() {
    let target = write_target(
        "never-ready",
        "name: sleeper\ndialect: chroma\nready: {timeout: 2s}\nlaunch:\n  stop_grace: 1s\n  modes:\n    basic: {command: [sleep, \"387.25\"]}\n",
    );
    let started = Instant::now();
    let ran = run_basic_suite(&target);
    assert_eq!(ran.code, 3, "a target that never got ready judged nothing");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        ran.stdout.contains("was not ready within 2s"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("ERR "),
        "cases are errored: {}",
        ran.stdout
    );
    assert!(
        !process_running("sleep 387.25"),
        "the launched process was left behind"
    );
}

#[test]
fn a_target_that_exits_at_start_is_named_with_its_status() {
    let target = write_target(
        "exits",
        "name: quitter\ndialect: chroma\nready: {timeout: 5s}\nlaunch:\n  modes:\n    basic: {command: [sh, -c, \"echo broken config >&2; exit 3\"]}\n",
    );
    let ran = run_basic_suite(&target);
    assert_eq!(ran.code, 3, "every case errored: nothing judged");
    assert!(
        ran.stdout.contains("target exited with status 3"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("broken config"),
        "its stderr is shown: {}",
        ran.stdout
    );
}

#[test]
fn a_base_url_that_refuses_connections_is_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = write_target(
        "refused",
        &format!(
            "name: nobody\ndialect: chroma\nbase_url: http://127.0.0.1:{port}\nmodes: [basic]\nready: {{timeout: 1s}}\nfixtures:\n  users:\n    admin: {{password: x}}\n    bob: {{password: y}}\n"
        ),
    );
    let started = Instant::now();
    let ran = run_basic_suite(&target);
    assert_eq!(ran.code, 3, "every case errored: nothing judged");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(ran.stdout.contains("cannot connect"), "{}", ran.stdout);
}

#[test]
fn suites_a_target_cannot_run_are_skipped_with_the_reason() {
    let target = write_target(
        "basic-only",
        "name: basic-only\ndialect: chroma\nlaunch:\n  modes:\n    basic: {command: [\"${env:AUTHCONFORM_BIN}\", serve, --dialect, chroma, --mode, basic, --port, \"{{ port }}\", --credentials-file, \"{{ fixtures.htpasswd }}\"]}\n",
    );
    let ran = authconform_with(
        &[
            "run",
            "scenarios/chroma",
            "--target",
            target.to_str().unwrap(),
        ],
        &[("AUTHCONFORM_BIN", common::bin())],
    );
    assert_eq!(ran.code, 0, "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("offers modes basic but not token-x-chroma"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains(" 0 skipped"), "{}", ran.stdout);
}

#[test]
fn running_target_without_credentials_for_a_fixture_is_skipped() {
    let target = write_target(
        "no-creds",
        "name: bare\ndialect: chroma\nbase_url: http://127.0.0.1:9\nmodes: [basic]\n",
    );
    let ran = run_basic_suite(&target);
    assert!(
        ran.stdout
            .contains("gives no credentials for user \"admin\""),
        "{}",
        ran.stdout
    );
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        }
        out.push(path);
    }
    out
}

#[test]
fn tls_suites_pass_on_a_launched_tls_server_and_leave_no_key_behind() {
    let tmp = scratch("tls-tmpdir");
    let ran = authconform_with(
        &[
            "run",
            "scenarios/tls",
            "-t",
            "targets/reference-chroma-tls.yaml",
            "-f",
            "json",
        ],
        &[
            ("AUTHCONFORM_BIN", common::bin()),
            ("TMPDIR", tmp.to_str().unwrap()),
        ],
    );
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert!(
        report["summary"]["passed"].as_u64().unwrap() >= 20,
        "{}",
        report["summary"]
    );
    assert_eq!(report["summary"]["failed"], 0);
    assert!(!ran.stdout.contains("PRIVATE KEY") && !ran.stderr.contains("PRIVATE KEY"));
    let left = files_under(&tmp);
    assert!(left.is_empty(), "the run left files behind: {left:?}");
}

#[test]
fn a_missing_ca_file_is_refused_before_anything_starts() {
    let ran = authconform(&["run", "fixtures/bad/ca-file-missing.yaml"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .contains("CA file fixtures/bad/no-such-ca.pem cannot be read"),
        "{}",
        ran.stderr
    );
}
