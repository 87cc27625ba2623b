use super::error::CliError;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::emit;
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

pub fn execute(args: CoverageArgs) -> Result<i32, CliError> {
    let loaded = authconform::coverage::catalogue(args.requirements.as_deref())
        .and_then(|catalogue| Ok((catalogue, super::load_suites(&args.paths)?)));
    let (catalogue, suites) = loaded?;
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
            std::fs::write(path, text)
                .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", path.display())))?;
        }
        None => emit(&text),
    }
    Ok(i32::from(
        args.strict && !coverage.uncovered_must().is_empty(),
    ))
}
