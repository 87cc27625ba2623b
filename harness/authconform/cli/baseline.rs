use super::error::CliError;
use std::path::PathBuf;

use clap::Args;

use super::emit;
use authconform::report::baseline::Baseline;

/// Write a baseline from a JSON report: every failed or errored case becomes a known failure that
/// `run --baseline` tolerates, so CI can gate on what is new.
#[derive(Args)]
pub struct BaselineArgs {
    /// A JSON report (`run --format json --output report.json`).
    report: PathBuf,
    /// Write the baseline to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn execute(args: BaselineArgs) -> Result<i32, CliError> {
    let text = authconform::scenario::load::read_input_text(
        &args.report,
        authconform::scenario::load::MAX_REPORT_BYTES,
    )
    .map_err(CliError::bad_input)?;
    let in_report =
        |e: &dyn std::fmt::Display| CliError::BadInput(format!("{}: {e}", args.report.display()));
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| in_report(&format!("not JSON: {e}")))?;
    let baseline = Baseline::from_report(&value).map_err(|e| in_report(&e))?;
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, baseline.to_json()) {
                return Err(CliError::BadInput(format!(
                    "cannot write {}: {e}",
                    path.display()
                )));
            }
            eprintln!(
                "{} known failure(s) written to {}",
                baseline.known_failures.len(),
                path.display()
            );
        }
        None => emit(&baseline.to_json()),
    }
    Ok(0)
}
