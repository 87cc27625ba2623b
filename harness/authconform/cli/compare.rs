use super::error::CliError;
use std::path::PathBuf;

use clap::Args;

use authconform::report::compare::{compare, verdicts};

/// Compare two JSON reports case by case (e.g. the embedded server against a real one); exit 1
/// naming every case whose verdict differs.
#[derive(Args)]
pub struct CompareArgs {
    /// The reference report (e.g. from the embedded server).
    left: PathBuf,
    /// The report to check against it (e.g. from a real server).
    right: PathBuf,
    /// A case allowed to differ, as `SUITE/CASE` (every mode); repeatable. For cases where the
    /// reference is deliberately better than the real server, such as timing.
    #[arg(long, value_name = "SUITE/CASE")]
    allow: Vec<String>,
    /// A suite left out of the comparison; repeatable. For sweeps (`chroma-sweep`), whose cases
    /// are each server's own OpenAPI operations.
    #[arg(long, value_name = "SUITE")]
    ignore_suite: Vec<String>,
}

pub fn execute(args: CompareArgs) -> Result<i32, CliError> {
    let read = |p: &PathBuf| -> Result<_, String> {
        let text = authconform::scenario::load::read_input_text(
            p,
            authconform::scenario::load::MAX_REPORT_BYTES,
        )
        .map_err(|e| format!("cannot read {e}"))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", p.display()))?;
        verdicts(&value).map_err(|e| format!("{}: {e}", p.display()))
    };
    let kept = |mut verdicts: std::collections::BTreeMap<String, String>| {
        verdicts.retain(|case, _| {
            !args
                .ignore_suite
                .iter()
                .any(|s| case.starts_with(&format!("{s}/")))
        });
        verdicts
    };
    let (left, right) = (
        kept(read(&args.left).map_err(CliError::BadInput)?),
        kept(read(&args.right).map_err(CliError::BadInput)?),
    );
    let (allowed, divergences): (Vec<_>, Vec<_>) =
        compare(&left, &right).into_iter().partition(|d| {
            args.allow
                .iter()
                .any(|a| d.case.starts_with(&format!("{a} [")))
        });
    for d in &allowed {
        println!(
            "allowed to differ: {:<52} {:>8} | {}",
            d.case, d.left, d.right
        );
    }
    if divergences.is_empty() {
        println!(
            "{} cases, same verdict in {} and {}{}",
            left.len(),
            args.left.display(),
            args.right.display(),
            if allowed.is_empty() {
                String::new()
            } else {
                format!(" (but {} allowed)", allowed.len())
            }
        );
        return Ok(0);
    }
    println!(
        "{} of {} cases diverge ({} | {}):",
        divergences.len(),
        left.len().max(right.len()),
        args.left.display(),
        args.right.display()
    );
    for d in &divergences {
        println!("  {:<70} {:>8} | {}", d.case, d.left, d.right);
    }
    Ok(1)
}
