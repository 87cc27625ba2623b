//! What an installed binary carries: its built-in suites (listed, exported, runnable from the
//! copy), shell completions and man pages made from its own flags, and `--color`.

mod common;

use common::{authconform, scratch};

#[test]
fn the_built_in_suites_are_listed_and_exported_runnable() {
    let listed = authconform(&["suites", "list"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let suites = std::fs::read_dir(common::root().join("scenarios"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    assert!(
        listed
            .stdout
            .contains(&format!("\n{suites} suites, 8 profiles, ")),
        "{}",
        listed.stdout
    );
    assert!(listed.stdout.contains("profiles/http-basic.yaml"));

    let dir = scratch("suites-export");
    let out = dir.join("copy");
    let exported = authconform(&["suites", "export", out.to_str().unwrap()]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    assert!(out.join("scenarios/chroma/basic.yaml").is_file());
    assert!(out.join("profiles/cratedb.yaml").is_file());
    assert!(out.join("requirements/jwt.yaml").is_file());
    let again = authconform(&["suites", "export", out.to_str().unwrap()]);
    assert_eq!(again.code, 2, "an export does not overwrite");
    assert!(
        again
            .stderr
            .contains("not overwritten (--force overwrites)")
    );
    assert_eq!(
        authconform(&["suites", "export", out.to_str().unwrap(), "--force"]).code,
        0
    );
    // The copy runs as the built-in suites do, SARIF rules from the copied catalogue.
    let sarif = dir.join("r.sarif");
    let ran = authconform(&[
        "run",
        out.join("scenarios/chroma").to_str().unwrap(),
        "--requirements",
        out.join("requirements").to_str().unwrap(),
        "-o",
        sarif.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let validated = authconform(&["validate", out.join("profiles").to_str().unwrap()]);
    assert_eq!(validated.code, 0, "{}", validated.stderr);
}

#[test]
fn completions_and_man_pages_come_from_the_flags() {
    let bash = authconform(&["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("_authconform()"), "{}", bash.stdout);
    assert!(bash.stdout.contains("--junit-findings"));
    let zsh = authconform(&["completions", "zsh"]);
    assert!(
        zsh.stdout.starts_with("#compdef authconform"),
        "{}",
        zsh.stdout
    );
    let wrong = authconform(&["completions", "tcsh"]);
    assert_eq!(wrong.code, 2);

    let man = authconform(&["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH authconform 1"), "{}", man.stdout);
    let dir = scratch("man-pages");
    let written = authconform(&["man", dir.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let run_page = std::fs::read_to_string(dir.join("authconform-run.1")).unwrap();
    assert!(run_page.contains("\\-\\-case"), "{run_page}");
    let pages = std::fs::read_dir(&dir).unwrap().count();
    assert!(
        written
            .stdout
            .starts_with(&format!("wrote {pages} man pages")),
        "{}",
        written.stdout
    );
}

#[test]
fn color_always_colours_even_a_pipe_and_never_never_does() {
    let always = authconform(&["run", "scenarios/chroma/basic.yaml", "--color", "always"]);
    assert!(
        always.stdout.contains("\x1b[32mpass\x1b[0m"),
        "{}",
        always.stdout
    );
    let never = authconform(&["run", "scenarios/chroma/basic.yaml", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
    // `auto` on a pipe: no colour.
    let auto = authconform(&["run", "scenarios/chroma/basic.yaml"]);
    assert!(!auto.stdout.contains('\x1b'));
}

/// The GitHub Action's run step, outside GitHub: reports written, the summary appended, the exit
/// status recorded as the step output and the gate left to the action's last step.
#[test]
fn the_actions_run_step_writes_reports_summary_and_exit_code() {
    let action: serde_json::Value =
        serde_saphyr::from_str(&common::read(&common::root().join("action.yml"))).unwrap();
    let inputs = action["inputs"].as_object().unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let env = steps[1]["env"].as_object().unwrap();
    for (name, value) in env.iter().filter(|(k, _)| k.starts_with("INPUT_")) {
        let input = value.as_str().unwrap();
        let declared = input
            .strip_prefix("${{ inputs.")
            .and_then(|r| r.strip_suffix(" }}"))
            .unwrap();
        assert!(
            inputs.contains_key(declared),
            "{name} reads an undeclared input"
        );
    }
    for (gate, status) in [("must", 0), ("should", 1)] {
        let dir = scratch(&format!("action-{gate}"));
        let (summary, output) = (dir.join("summary.md"), dir.join("output"));
        let ran = std::process::Command::new("bash")
            .arg(common::root().join("scripts/action-run.sh"))
            .current_dir(common::root())
            .env("AUTHCONFORM", common::bin())
            .env("INPUT_SUITES", "scenarios/chroma/basic.yaml")
            .env("INPUT_FAIL_ON", gate)
            .env("INPUT_SARIF", dir.join("r.sarif"))
            .env("INPUT_JUNIT", dir.join("r.xml"))
            .env("INPUT_ARGS", "--level must --level should")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output)
            .env("CI", "true")
            .output()
            .unwrap();
        assert_eq!(ran.status.code(), Some(0), "the step itself never fails");
        assert_eq!(
            common::read(&output),
            format!("exit-code={status}\n"),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        assert!(common::read(&summary).starts_with("## authconform: "));
        assert!(common::read(&summary).contains("Selection: `--level must --level should"));
        assert!(dir.join("r.sarif").is_file() && dir.join("r.xml").is_file());
    }
}
