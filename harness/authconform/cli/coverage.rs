use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_BAD_INPUT, emit};
use authconform::coverage::{cover, render_json, render_text};
use authconform::report::sarif;

/// Which requirements (spec rows, RFC sections) the scenarios test, and the `must` ones none does.
#[derive(Args)]
pub struct CoverageArgs {
    /// Scenario files or directories (default: the built-in suites).
    paths: Vec<PathBuf>,
    /// The requirement catalogue: a directory of YAML files (docs/reports.md § Requirement coverage).
    #[arg(long, value_name = "DIR")]
    requirements: Option<PathBuf>,
    #[arg(long, short = 'f', value_enum, default_value_t = CoverageFormat::Text)]
    format: CoverageFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a `must` requirement is tested by no case.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CoverageFormat {
    Text,
    Json,
    /// SARIF 2.1.0: every requirement a rule, every untested `must` requirement a result.
    Sarif,
}

pub fn execute(args: CoverageArgs) -> i32 {
    let loaded = authconform::coverage::catalogue(args.requirements.as_deref())
        .and_then(|catalogue| Ok((catalogue, super::load_suites(&args.paths)?)));
    let (catalogue, suites) = match loaded {
        Ok(l) => l,
        Err(problems) => {
            eprint!("{problems}");
            return EXIT_BAD_INPUT;
        }
    };
    let coverage = cover(catalogue, &suites);
    let text = match args.format {
        CoverageFormat::Text => render_text(&coverage),
        CoverageFormat::Json => render_json(&coverage),
        CoverageFormat::Sarif => sarif::render_coverage(
            &coverage,
            &format!("authconform {}", env!("CARGO_PKG_VERSION")),
        ),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_BAD_INPUT;
            }
        }
        None => emit(&text),
    }
    if args.strict && !coverage.uncovered_must().is_empty() {
        1
    } else {
        0
    }
}
