//! `validate` on target and profile files: every problem of a file reported with its place, a
//! misspelt launch mode refused as bad input, the built-in profiles and a user's checked.

mod common;

use common::{authconform, root, scratch, write_file};

/// The one-case suite the runtime fixtures run.
const PROBE: &str = "fixtures/bad/runtime/probe.yaml";

#[test]
fn validate_checks_target_files_and_reports_every_problem_of_a_file() {
    let dir = scratch("gate-validate-target");
    write_file(
        &dir,
        "target.yaml",
        "name: t\ndialect: chroma\nready: {timeout: 99h}\nendpoints:\n  nosuch: /x\nlaunch:\n  file_mode: \"0777\"\n  modes:\n    basic: {command: [\"{{ nope }}\"]}\n    jwt-mode: {command: [x]}\n",
    );
    // Found as a target by its keys, in a directory of scenario files.
    std::fs::copy(root().join(PROBE), dir.join("probe.yaml")).unwrap();
    let ran = authconform(&["validate", dir.to_str().unwrap()]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    for problem in [
        "target.yaml:3:18",
        "target.yaml:5:11",
        "target.yaml:7:14",
        "unknown template value `nope`",
        "\"jwt-mode\", which dialect chroma does not have",
        "5 problem(s) found",
    ] {
        assert!(
            ran.stderr.contains(problem),
            "{problem} missing from\n{}",
            ran.stderr
        );
    }
    assert!(
        !ran.stderr.contains("Scenario format"),
        "target hints name the target manual"
    );
    let ran = authconform(&["validate", "-t", "targets/chroma-0.6.yaml", PROBE]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("1 suites, 1 cases, 1 target file: valid"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_misspelt_launch_mode_is_bad_input_not_a_skipped_run() {
    let dir = scratch("gate-misspelt-mode");
    let target = write_file(
        &dir,
        "target.yaml",
        "name: t\ndialect: generic\nlaunch:\n  modes:\n    jwt-mode: {command: [sleep, \"1\"]}\n",
    );
    let ran = authconform(&[
        "run",
        "scenarios/jwt/core.yaml",
        "-t",
        target.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr
            .contains("\"jwt-mode\", which dialect generic does not have"),
        "{}",
        ran.stderr
    );
}

#[test]
fn validate_checks_profile_files_built_in_and_the_users() {
    let ran = authconform(&["validate", "harness/format/profiles/", "targets/"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // The built-in ones, and the user's search-proxy profile under targets/.
    let built_in = std::fs::read_dir(root().join("harness/format/profiles"))
        .unwrap()
        .count();
    let want = format!("{} profiles: valid", built_in + 1);
    assert!(ran.stdout.contains(&want), "{want}: {}", ran.stdout);
    let dir = scratch("gate-validate-profile");
    write_file(&dir, "bad.yaml", "name: Bad Name\nmodes: []\n");
    let ran = authconform(&["validate", dir.to_str().unwrap()]);
    assert_eq!(ran.code, 2, "{}", ran.stdout);
    assert!(
        ran.stderr.contains("must be lower case letters"),
        "{}",
        ran.stderr
    );
}
