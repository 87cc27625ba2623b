//! Every broken file in fixtures/bad/ is refused with exit 2 and a positioned message, never a panic.

mod common;

use common::authconform;

fn refused(args: &[&str]) -> String {
    let ran = authconform(args);
    assert_eq!(
        ran.code, 2,
        "expected exit 2 for {args:?}; stderr:\n{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    ran.stderr
}

#[test]
fn every_bad_scenario_is_refused_with_a_positioned_message() {
    let mut files: Vec<_> = std::fs::read_dir(common::root().join("fixtures/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 40,
        "fixtures/bad holds {} files",
        files.len()
    );
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let relative = format!("fixtures/bad/{name}.yaml");
        // Target files are read by `run --target`; problems found only when values are filled in
        // show at `run`; the rest already at `validate`.
        let args: Vec<&str> = if name.starts_with("target-") {
            vec!["run", "scenarios/chroma/basic.yaml", "--target", &relative]
        } else if name == "missing-env" || name.starts_with("ca-file") {
            vec!["run", &relative]
        } else {
            vec!["validate", &relative]
        };
        let stderr = refused(&args);
        assert!(
            stderr.contains(&format!("--> {relative}")),
            "{name}: no file in\n{stderr}"
        );
        insta::assert_snapshot!(name, stderr);
    }
}

#[test]
fn run_refuses_what_validate_refuses() {
    let stderr = refused(&["run", "fixtures/bad/misspelt-key.yaml"]);
    assert!(
        stderr.contains("fixtures/bad/misspelt-key.yaml:9:5"),
        "{stderr}"
    );
    let stderr = refused(&["run", "fixtures/bad/dangling-same-as.yaml"]);
    assert!(
        stderr.contains("fixtures/bad/dangling-same-as.yaml:14:24"),
        "{stderr}"
    );
}

#[test]
fn missing_paths_and_bad_flags_exit_2() {
    assert!(refused(&["validate", "no/such/dir"]).contains("no such file or directory"));
    assert!(refused(&["run", "scenarios", "--fail-on", "sometimes"]).contains("unknown level"));
    assert!(
        refused(&["run", "scenarios", "--timeout", "5 fortnights"]).contains("is not a duration")
    );
    assert!(
        refused(&["run", "scenarios", "--output", "report.txt"]).contains("cannot tell the format")
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let dir = common::scratch("huge");
    let path = dir.join("huge.yaml");
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    std::fs::write(&path, line.repeat(50 * 1024 * 1024 / line.len())).unwrap();
    let stderr = refused(&["validate", path.to_str().unwrap()]);
    assert!(
        stderr.contains("input files are limited to 4194304 bytes"),
        "{stderr}"
    );
}
