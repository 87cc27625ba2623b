//! `authconform load`: bounded, it counts every answer, passes on the reference server, and fails
//! a server that lets invalid credentials in.

mod common;

use common::{accepts_anything, authconform, scratch};

#[test]
fn the_reference_server_refuses_every_invalid_request_under_load() {
    for (dialect, mode) in [("chroma", "basic"), ("generic", "jwt")] {
        let ran = authconform(&[
            "load",
            "--dialect",
            dialect,
            "--mode",
            mode,
            "-c",
            "4",
            "-d",
            "1s",
        ]);
        assert_eq!(
            ran.code, 0,
            "{dialect} {mode}: {}\n{}",
            ran.stdout, ran.stderr
        );
        assert!(ran.stdout.contains(" accepted\n"), "{}", ran.stdout);
        assert!(ran.stdout.contains(", 0 accepted"), "{}", ran.stdout);
        assert!(ran.stdout.contains("verdict: pass"), "{}", ran.stdout);
        let requests: u64 = ran
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("requests: "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(requests > 10, "{}", ran.stdout);
        if mode == "jwt" {
            assert!(ran.stdout.contains("jwks fetches: 1\n"), "{}", ran.stdout);
        }
    }
}

#[test]
fn a_server_that_lets_invalid_credentials_in_fails_the_load_run() {
    let server = accepts_anything();
    let dir = scratch("load-accepts-anything");
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "name: accepts-anything\ndialect: chroma\nbase_url: http://127.0.0.1:{}\nmodes: [basic]\nfixtures:\n  users:\n    load: {{name: load, password: pw}}\n  tokens:\n    load: tk\n",
            server.port
        ),
    )
    .unwrap();
    let ran = authconform(&[
        "load",
        "--dialect",
        "chroma",
        "--mode",
        "basic",
        "-t",
        target.to_str().unwrap(),
        "-c",
        "2",
        "-d",
        "1s",
    ]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout
            .contains("requests with invalid credentials succeeded"),
        "{}",
        ran.stdout
    );
}

#[test]
fn unbounded_loads_are_refused() {
    for args in [
        &["load", "--dialect", "chroma", "--mode", "basic", "-c", "0"][..],
        &[
            "load",
            "--dialect",
            "chroma",
            "--mode",
            "basic",
            "-c",
            "5000",
        ][..],
        &["load", "--dialect", "chroma", "--mode", "basic", "-d", "1h"][..],
        &[
            "load",
            "--dialect",
            "chroma",
            "--mode",
            "basic",
            "--base-url",
            "http://127.0.0.1:1",
        ][..],
    ] {
        let ran = authconform(args);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.starts_with("error: "), "{}", ran.stderr);
    }
}
