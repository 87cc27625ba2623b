//! `--case`, `--suite`, `--tag`, `--level` and `--mode`: `run` judges exactly what `list` shows,
//! the report names the selection, and a selection of nothing is bad input.

mod common;

use std::collections::BTreeSet;

use common::authconform;

/// `(suite, case)` of what `list FILTERS` prints.
fn listed(filters: &[&str]) -> BTreeSet<(String, String)> {
    let mut args = vec!["list"];
    args.extend_from_slice(filters);
    let ran = authconform(&args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut suite = String::new();
    let mut cases = BTreeSet::new();
    for line in ran.stdout.lines().filter(|l| !l.starts_with("selection:")) {
        if let Some(case_line) = line.strip_prefix("  ") {
            let name = case_line.split_whitespace().nth(1).unwrap();
            cases.insert((suite.clone(), name.to_owned()));
        } else {
            suite = line.split(' ').next().unwrap().to_owned();
        }
    }
    cases
}

/// `(suite, case)` of what `run FILTERS -f json` judged, and the report's `selection`.
fn judged(filters: &[&str]) -> (BTreeSet<(String, String)>, serde_json::Value) {
    let mut args = vec!["run", "-f", "json"];
    args.extend_from_slice(filters);
    let ran = authconform(&args);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let cases = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["suite"].as_str().unwrap().to_owned(),
                c["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (cases, report["selection"].clone())
}

#[test]
fn run_judges_exactly_what_list_shows() {
    for filters in [
        &["--suite", "chroma-basic", "--case", "unknown-user-*"][..],
        &[
            "--suite",
            "weaviate-*",
            "--level",
            "must",
            "--mode",
            "adminlist",
        ],
        &["--tag", "jwt", "--level", "compat"],
        &["--case", "cratedb-password/*-refused"],
    ] {
        let (run, selection) = judged(filters);
        assert!(!run.is_empty(), "{filters:?} selected nothing");
        assert_eq!(listed(filters), run, "{filters:?}");
        assert!(
            selection
                .as_str()
                .is_some_and(|s| s.starts_with(&format!("--{}", &filters[0][2..]))),
            "{selection}"
        );
    }
}

#[test]
fn a_selected_case_brings_the_case_it_is_compared_with() {
    let (run, selection) = judged(&[
        "--case",
        "chroma-basic/unknown-user-answered-like-wrong-password",
    ]);
    let names: Vec<&str> = run.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "unknown-user-answered-like-wrong-password",
            "wrong-password-refused"
        ]
    );
    assert!(
        selection
            .as_str()
            .is_some_and(|s| s.contains("(1 of ") && s.ends_with(" cases, 1 more they need)")),
        "{selection}"
    );
}

#[test]
fn a_mode_filter_runs_only_that_mode() {
    let ran = authconform(&["run", "--suite", "chroma-token", "--mode", "token-x-chroma"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("[token-x-chroma]"), "{}", ran.stdout);
    assert!(!ran.stdout.contains("[token]"), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("selection: --suite 'chroma-token' --mode token-x-chroma"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_selection_of_nothing_is_bad_input() {
    let ran = authconform(&["run", "--suite", "no-such-*"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .starts_with("error: --suite 'no-such-*' selects no case of the "),
        "{}",
        ran.stderr
    );
    let ran = authconform(&["list", "--level", "sometimes"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .contains("unknown level \"sometimes\": expected must, should or compat"),
        "{}",
        ran.stderr
    );
    let ran = authconform(&["mutants", "--flaw", "exp-ignored", "--mode", "no-such-mode"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

#[test]
fn mutants_run_only_the_selected_suites_and_say_so() {
    let ran = authconform(&[
        "mutants",
        "--flaw",
        "exp-ignored",
        "--suite",
        "jwt-core",
        "-f",
        "json",
    ]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert!(
        report["selection"]
            .as_str()
            .is_some_and(|s| s.starts_with("--suite 'jwt-core' (")),
        "{}",
        report["selection"]
    );
    let catching = report["flaws"][0]["caught_by"].as_array().unwrap();
    assert!(!catching.is_empty());
    assert!(
        catching
            .iter()
            .all(|c| c["case"].as_str().unwrap().starts_with("jwt-core/")),
        "{catching:?}"
    );
}
