use super::error::CliError;
use std::path::PathBuf;

use clap::Args;

use authconform::scenario::diagnostic::Diagnostics;
use authconform::scenario::load::{discover, load_files, read_text};
use authconform::target_file::{looks_like_profile, looks_like_target, validate_target};

/// Check scenario and target files without running them: syntax, keys, types, references,
/// templates, modes and endpoints. Every problem of every file is reported.
#[derive(Args)]
#[command(
    after_help = "A file with `base_url` or `launch` and no `suite` is checked as a target file, one with `name` and `modes` as \
a dialect profile; `--target` names a target file explicitly.\n\nExamples:\n  authconform validate scenarios/\n  authconform validate targets/\n  authconform validate scenarios/chroma -t targets/chroma-0.6.yaml\n\nExit status: 0 valid, 2 a problem was found."
)]
pub struct ValidateArgs {
    /// Scenario files, target files, or directories holding them (default: the built-in suites).
    paths: Vec<PathBuf>,
    /// A target file to check as well. Repeatable.
    #[arg(long, short = 't', value_name = "FILE")]
    target: Vec<PathBuf>,
}

pub fn execute(args: ValidateArgs) -> Result<i32, CliError> {
    let builtin = args.paths.is_empty() && args.target.is_empty();
    let mut problems = Vec::new();
    let files = match discover(&args.paths) {
        Ok(files) => files,
        Err(Diagnostics(mut d)) => {
            problems.append(&mut d);
            Vec::new()
        }
    };
    let (profiles, files): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| read_text(f).is_ok_and(|t| looks_like_profile(&t)));
    // Profiles first: suites and targets may name the dialects they define.
    for profile in &profiles {
        if let Err(d) = authconform::dialect::profile::validate_file(profile) {
            problems.push(d);
        }
    }
    let (mut targets, suites): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| read_text(f).is_ok_and(|t| looks_like_target(&t)));
    targets.extend(args.target);
    let mut notes = Vec::new();
    for target in &targets {
        match validate_target(target) {
            Ok(mut n) => notes.append(&mut n),
            Err(mut d) => problems.append(&mut d),
        }
    }
    let loaded = if builtin {
        authconform::builtin::load_suites()
    } else {
        load_files(suites)
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(Diagnostics(mut d)) => {
            problems.append(&mut d);
            Vec::new()
        }
    };
    for note in &notes {
        eprintln!(
            "note: {}",
            authconform::scenario::diagnostic::terminal_safe(note)
        );
    }
    if problems.is_empty() {
        let cases: usize = loaded.iter().map(|s| s.suite.cases.len()).sum();
        let plural = |n: usize, what: &str| match n {
            0 => String::new(),
            1 => format!(", 1 {what}"),
            n => format!(", {n} {what}s"),
        };
        let targets = format!(
            "{}{}",
            plural(targets.len(), "target file"),
            plural(profiles.len(), "profile")
        );
        println!("{} suites, {cases} cases{targets}: valid", loaded.len());
        Ok(0)
    } else {
        Err(CliError::Invalid {
            all: Diagnostics(problems),
        })
    }
}
