use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::emit;
use super::error::CliError;
use authconform::mutants::render;
use authconform::mutants::run::{MutantsError, measure};
use authconform::reference::flaws::Flaw;

/// Mutation testing: give the reference server one known auth flaw at a time, run the suites of
/// its dialects, and report which cases catch it. Exits 1 naming every flaw no case catches (a
/// must-impact flaw needs a `must` case).
#[derive(Args)]
pub struct MutantsArgs {
    /// Scenario files or directories (default: the built-in suites).
    paths: Vec<PathBuf>,
    /// List the flaws and exit.
    #[arg(long)]
    list: bool,
    /// Only these flaws (repeatable).
    #[arg(long, value_name = "NAME")]
    flaw: Vec<Flaw>,
    /// `json` for the machine-readable result, `html` for a page (default: text).
    #[arg(long, short = 'f', value_name = "FORMAT")]
    format: Option<MutantsFormat>,
    /// Write the result to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// A caught flaw needs this many independent catching cases (different requests, not the
    /// same case in another mode, endpoint, uniform copy or message sibling); fewer is `thin`
    /// and exits 1, like a survivor.
    #[arg(long, value_name = "N", default_value_t = authconform::mutants::MIN_INDEPENDENT)]
    min_independent: usize,
    #[command(flatten)]
    select: super::select::SelectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MutantsFormat {
    Json,
    Html,
}

pub fn execute(args: MutantsArgs) -> Result<i32, CliError> {
    if args.list {
        let mut out = String::new();
        for flaw in Flaw::ALL {
            let impact = match flaw.impact() {
                authconform::reference::flaws::Impact::Must => "must",
                authconform::reference::flaws::Impact::Should => "should",
            };
            out.push_str(&format!(
                "{:<30} {impact:<6} {:<26} {}\n",
                flaw.name(),
                flaw.dialects().join(","),
                flaw.description()
            ));
        }
        emit(&out);
        return Ok(0);
    }
    let mut suites = super::load_suites(&args.paths)?;
    let selection = args.select.apply(&mut suites)?;
    let flaws: Vec<Flaw> = if args.flaw.is_empty() {
        Flaw::ALL.to_vec()
    } else {
        args.flaw.clone()
    };
    let chatty = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let progress = |i: usize, n: usize, flaw: Flaw| {
        if chatty {
            eprintln!("[{}/{n}] {}", i + 1, flaw.name());
        }
    };
    let runtime = super::runtime()?;
    let mut report = runtime
        .block_on(measure(suites, &flaws, args.min_independent, &progress))
        .map_err(|e| match e {
            MutantsError::Plan(d) => CliError::Files(d),
            other => CliError::not_judged(other),
        })?;
    report.selection = selection;
    let text = match args.format {
        Some(MutantsFormat::Json) => render::json(&report),
        Some(MutantsFormat::Html) => authconform::mutants::render::html(&report),
        None => render::text(&report),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", path.display())))?;
            emit(&render::text(&report));
        }
        None => emit(&text),
    }
    Ok(i32::from(
        !report.survivors.is_empty() || !report.thin.is_empty(),
    ))
}
