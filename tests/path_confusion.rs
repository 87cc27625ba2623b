//! Path-confusion probes: the reference servers and correctly configured nginx and Apache pass;
//! nginx with `merge_slashes off` under a public root fails at the doubled-slash variants, and the
//! case it prints, pasted into a suite, fails there and passes on the correct nginx; the flaw
//! `double-slash-open` is caught by the probes alone.

mod common;

use common::{authconform, catching, caught, caught_only_where, installed, scratch, write_file};

#[test]
fn the_reference_servers_pass_every_variant() {
    let ran = authconform(&["run", "scenarios/", "--tag", "path-confusion"]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout
            .contains("pass  must    confusion:dot-dot-segment @whoami [basic]"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("pass  must    confusion:x-original-url [basic]"),
        "chroma's identity: {}",
        ran.stdout
    );
}

#[test]
fn a_doubled_slash_bypass_is_caught_by_the_probes_alone() {
    let flaw = caught(
        &["scenarios/bearer", "scenarios/api-key"],
        "double-slash-open",
    );
    let by = catching(&flaw);
    assert!(
        by.contains("bearer-path-confusion/confusion:double-slash-start @whoami [token]"),
        "{by}"
    );
    assert!(caught_only_where(&flaw, "-path-confusion/"), "{by}");
}

#[test]
fn nginx_with_merge_slashes_off_fails_and_the_pasted_case_replays_it() {
    if !installed("nginx") {
        eprintln!("skipped: nginx is not installed (apt-get install nginx)");
        return;
    }
    let plain = authconform(&[
        "run",
        "scenarios/http-basic/basic.yaml",
        "-t",
        "targets/nginx-basic-confusion.yaml",
    ]);
    assert_eq!(
        plain.code, 0,
        "every listed path is protected: {}",
        plain.stdout
    );
    let ran = authconform(&[
        "run",
        "scenarios/http-basic/path-confusion.yaml",
        "-t",
        "targets/nginx-basic-confusion.yaml",
    ]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    let failed: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("  FAIL"))
        .collect();
    assert!(
        failed
            .iter()
            .any(|l| l.contains("confusion:double-slash-start @report [basic]")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .all(|l| l.contains("double-slash") || l.contains("encoded-slash")),
        "only the slash variants reach the public location: {failed:?}"
    );
    let paste = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("- { name: confusion-double-slash-start-report-found"))
        .unwrap_or_else(|| panic!("no case to paste: {}", ran.stdout));
    assert!(
        paste.contains(r#"path: "//data/report.json", raw: true"#),
        "{paste}"
    );
    let dir = scratch("path-confusion-paste");
    let suite = write_file(
        &dir,
        "replay.yaml",
        &format!(
            "suite: replay\ndialect: http-basic\nmodes: [basic]\nfixtures:\n  users:\n    alice: {{}}\ncases:\n  {paste}\n"
        ),
    );
    let suite = suite.to_str().unwrap();
    let replayed = authconform(&["run", suite, "-t", "targets/nginx-basic-confusion.yaml"]);
    assert_eq!(
        replayed.code, 1,
        "the pasted case fails where it was found: {}",
        replayed.stdout
    );
    let correct = authconform(&["run", suite, "-t", "targets/nginx-basic.yaml"]);
    assert_eq!(
        correct.code, 0,
        "and passes on the correct nginx: {}",
        correct.stdout
    );
}

#[test]
fn correctly_configured_nginx_and_apache_pass_every_variant() {
    for (program, target) in [
        ("nginx", "targets/nginx-basic.yaml"),
        ("apache2", "targets/apache-basic.yaml"),
    ] {
        if !installed(program) {
            eprintln!("skipped: {program} is not installed");
            continue;
        }
        let ran = authconform(&[
            "run",
            "scenarios/http-basic/path-confusion.yaml",
            "-t",
            target,
        ]);
        assert_eq!(ran.code, 0, "{target}: {}", ran.stdout);
        assert!(
            ran.stdout
                .contains("38 passed, 0 failed, 0 errored, 0 skipped"),
            "{}",
            ran.stdout
        );
    }
}
