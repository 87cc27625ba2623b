use std::path::PathBuf;

use clap::Args;

use super::{EXIT_BAD_INPUT, default_paths};
use crate::scenario::load_all;

/// Check scenario files without running them: syntax, keys, types, references, templates.
#[derive(Args)]
pub struct ValidateArgs {
    /// Scenario files or directories (default: scenarios/).
    paths: Vec<PathBuf>,
}

pub fn execute(args: ValidateArgs) -> i32 {
    match load_all(&default_paths(args.paths)) {
        Ok(suites) => {
            let cases: usize = suites.iter().map(|s| s.suite.cases.len()).sum();
            println!("{} suites, {cases} cases: valid", suites.len());
            0
        }
        Err(problems) => {
            eprint!("{problems}");
            eprintln!("{} problem(s) found", problems.0.len());
            EXIT_BAD_INPUT
        }
    }
}
