//! A hostile server on loopback: each path misbehaves in one way, and every case must end within
//! its timeout with a named cause, never a hang, a panic or a pass.

mod common;

use std::time::{Duration, Instant};

use common::{authconform, authconform_with, scratch};
use serde_json::Value;

/// The library's fault server on a free port, with the runtime that drives it.
fn faults() -> (tokio::runtime::Runtime, authconform::reference::Running) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let running = runtime
        .block_on(authconform::reference::faults::start(0))
        .unwrap();
    (runtime, running)
}

const SUITE: &str = r#"suite: hostile
dialect: chroma
modes: [basic]
cases:
  - { name: hang, level: must, ref: "issue 9", request: { path: /hang }, expect: { status: 2xx } }
  - { name: close-mid-body, level: must, ref: "issue 9", request: { path: /close-mid-body }, expect: { status: 2xx } }
  - { name: garbage, level: must, ref: "issue 9", request: { path: /garbage }, expect: { status: 2xx } }
  - { name: redirect-loop, level: must, ref: "issue 9", request: { path: /redirect-loop }, expect: { status: not 2xx } }
  - { name: ten-megabytes, level: must, ref: "issue 9", request: { path: /ten-megabytes }, expect: { status: not 2xx } }
  - { name: reset, level: must, ref: "issue 9", request: { path: /reset, body: "some bytes the server never reads" }, expect: { status: 2xx } }
"#;

#[test]
fn every_fault_ends_within_its_timeout_with_a_cause() {
    let (_runtime, server) = faults();
    let port = server.addr.port();
    let dir = scratch("faults");
    let suite = dir.join("hostile.yaml");
    std::fs::write(&suite, SUITE).unwrap();
    let target = dir.join("target.yaml");
    std::fs::write(&target, format!("name: hostile\ndialect: chroma\nbase_url: http://127.0.0.1:{}\nmodes: [basic]\nready: {{path: /ready, timeout: 5s}}\n", port)).unwrap();
    let started = Instant::now();
    let ran = authconform(&[
        "run",
        suite.to_str().unwrap(),
        "-t",
        target.to_str().unwrap(),
        "--timeout",
        "2s",
        "-f",
        "json",
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    let case = |name: &str| {
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let reason = |name: &str| case(name)["reason"].as_str().unwrap_or_default().to_owned();

    assert_eq!(case("hang")["status"], "errored");
    assert!(
        reason("hang").contains("no answer within 2s"),
        "{}",
        reason("hang")
    );
    assert_eq!(case("close-mid-body")["status"], "errored");
    assert!(
        reason("close-mid-body").contains("broke off"),
        "{}",
        ran.stdout
    );
    assert_eq!(case("garbage")["status"], "errored");
    assert_eq!(case("reset")["status"], "errored");
    assert_eq!(
        case("redirect-loop")["status"],
        "passed",
        "redirects are not followed: the 302 is the answer"
    );
    let big = case("ten-megabytes");
    assert_eq!(
        big["status"], "failed",
        "a 10 MB body is read up to the cap and judged"
    );
    assert!(big["duration_ms"].as_u64().unwrap() < 2000);
}

#[test]
fn a_target_that_exits_mid_run_errors_the_rest_with_its_status_and_last_words() {
    let dir = scratch("exits-mid-run");
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        "name: dies\ndialect: chroma\nready: { path: /api/v2/heartbeat, timeout: 20s }\nlaunch:\n  modes:\n    basic:\n      command: [\"${env:AUTHCONFORM_BIN}\", serve, --dialect, chroma, --mode, basic, --port, \"{{ port }}\", --credentials-file, \"{{ fixtures.htpasswd }}\", --exit-after, \"5\"]\n",
    )
    .unwrap();
    let started = Instant::now();
    let ran = authconform_with(
        &[
            "run",
            "scenarios/chroma/basic.yaml",
            "-t",
            target.to_str().unwrap(),
            "-j",
            "1",
            "-f",
            "json",
        ],
        &[("AUTHCONFORM_BIN", common::bin())],
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    // Some cases passed, the rest errored and none failed at the gate: not judged (exit 3).
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    let cases = report["cases"].as_array().unwrap();
    let passed = cases.iter().filter(|c| c["status"] == "passed").count();
    let errored: Vec<_> = cases.iter().filter(|c| c["status"] == "errored").collect();
    assert!(passed >= 1, "the first cases ran before the exit");
    assert!(errored.len() >= 30, "{} errored", errored.len());
    for case in errored {
        let reason = case["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("target exited with status 3"), "{reason}");
        assert!(reason.contains("exiting after 5 requests"), "{reason}");
    }
}
