use std::path::PathBuf;

use clap::Args;

use super::{EXIT_BAD_INPUT, emit};
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

pub fn execute(args: BaselineArgs) -> i32 {
    let made = authconform::scenario::load::read_input_text(
        &args.report,
        authconform::scenario::load::MAX_REPORT_BYTES,
    )
    .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("not JSON: {e}")))
    .and_then(|v: serde_json::Value| Baseline::from_report(&v));
    let baseline = match made {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", args.report.display());
            return EXIT_BAD_INPUT;
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, baseline.to_json()) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_BAD_INPUT;
            }
            eprintln!(
                "{} known failure(s) written to {}",
                baseline.known_failures.len(),
                path.display()
            );
        }
        None => emit(&baseline.to_json()),
    }
    0
}
