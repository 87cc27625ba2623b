use super::error::CliError;
use std::path::PathBuf;

use clap::Args;

use super::emit;

/// List suites and cases, or the endpoint names and auth modes each dialect knows.
#[derive(Args)]
pub struct ListArgs {
    /// Scenario files or directories (default: the built-in suites).
    paths: Vec<PathBuf>,
    /// List the dialects' endpoint names and auth modes instead.
    #[arg(long)]
    endpoints: bool,
    #[command(flatten)]
    select: super::select::SelectArgs,
}

pub fn execute(args: ListArgs) -> Result<i32, CliError> {
    use std::fmt::Write as _;
    let mut out = String::new();
    if args.endpoints {
        for dialect in authconform::dialect::profile::all() {
            if dialect.endpoints().is_empty() && dialect.modes().is_empty() {
                continue;
            }
            let _ = writeln!(out, "{dialect}");
            for mode in dialect.modes() {
                let _ = writeln!(out, "  mode {:<16} {}", mode.name, mode.summary);
            }
            for e in dialect.endpoints() {
                let access = if e.public { "public" } else { "protected" };
                let _ = writeln!(
                    out,
                    "  {:<20} {:<5} {:<70} {access}",
                    e.name, e.method, e.path
                );
            }
        }
        emit(&out);
        return Ok(0);
    }
    let mut suites = super::load_suites(&args.paths)?;
    if let Some(selection) = args.select.apply(&mut suites)? {
        let _ = writeln!(out, "selection: {selection}");
    }
    for loaded in &suites {
        let s = &loaded.suite;
        let modes: Vec<&str> = s.modes.iter().map(|m| m.value.as_str()).collect();
        let _ = writeln!(
            out,
            "{} ({}, {} modes: {}) {}",
            s.suite.value,
            loaded.path.display(),
            s.dialect.value,
            modes.join(", "),
            s.cases.len()
        );
        for case in &s.cases {
            let reference = case.reference.as_ref().map_or("", |r| r.value.as_str());
            let _ = writeln!(
                out,
                "  {:<6} {:<48} {reference}",
                case.level.value.name(),
                case.name.value
            );
        }
    }
    emit(&out);
    Ok(0)
}
