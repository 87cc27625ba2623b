//! Flaws of the reference server that only a run of several suites catches: key sets fetched over
//! unverified TLS, a server broken by malformed headers (the fuzz block and its replay).

mod common;

use common::{authconform, catching, caught, scratch};

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
