use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::{EXIT_BAD_INPUT, emit};
use authconform::dialect::Dialect;
use authconform::exec::prepare::{RecordingEnv, needs_issuer, prepare};
use authconform::exec::runner::{RunOptions, run};
use authconform::issuer::Issuer;
use authconform::jwt::KeyRing;
use authconform::launch::Target;
use authconform::level::Gate;
use authconform::mutants::{catches, flaw_result, render, summarize};
use authconform::reference::flaws::{Flaw, Flaws};
use authconform::report::CaseResult;
use authconform::scenario::load::LoadedSuite;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MutantsFormat {
    Json,
    Html,
}

pub fn execute(args: MutantsArgs) -> i32 {
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
        return 0;
    }
    let suites = match super::load_suites(&args.paths.clone()) {
        Ok(s) => s,
        Err(problems) => {
            eprint!("{problems}");
            return EXIT_BAD_INPUT;
        }
    };
    let mut by_dialect: BTreeMap<Dialect, Vec<LoadedSuite>> = BTreeMap::new();
    for suite in suites {
        by_dialect
            .entry(suite.suite.dialect.value)
            .or_default()
            .push(suite);
    }
    let flaws: Vec<Flaw> = if args.flaw.is_empty() {
        Flaw::ALL.to_vec()
    } else {
        args.flaw.clone()
    };
    let Some(runtime) = super::runtime() else {
        return 1;
    };
    let chatty = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let result = runtime.block_on(async {
        let keys = Arc::new(
            tokio::task::spawn_blocking(KeyRing::generate)
                .await
                .map_err(|e| e.to_string())??,
        );
        let mut baseline: BTreeMap<Dialect, Vec<CaseResult>> = BTreeMap::new();
        for (dialect, suites) in &by_dialect {
            let cases = run_suites(suites, Target::embedded(), &keys).await?;
            baseline.insert(*dialect, cases);
        }
        let mut results = Vec::new();
        for (i, flaw) in flaws.iter().enumerate() {
            if chatty {
                eprintln!("[{}/{}] {}", i + 1, flaws.len(), flaw.name());
            }
            let mut caught_by = Vec::new();
            for (dialect, suites) in &by_dialect {
                if !flaw.applies_to(dialect.name()) {
                    continue;
                }
                let target = Target::embedded_with_flaws(Flaws::new(&[*flaw]));
                let flawed = run_suites(suites, target, &keys).await?;
                caught_by.extend(catches(&baseline[dialect], &flawed));
            }
            results.push(flaw_result(*flaw, caught_by));
        }
        Ok::<_, String>(summarize(results, args.min_independent))
    });
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let text = match args.format {
        Some(MutantsFormat::Json) => render::json(&report),
        Some(MutantsFormat::Html) => authconform::mutants::render::html(&report),
        None => render::text(&report),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_BAD_INPUT;
            }
            emit(&render::text(&report));
        }
        None => emit(&text),
    }
    i32::from(!report.survivors.is_empty() || !report.thin.is_empty())
}

/// The suites against `target`, as a normal run would go, quietly.
async fn run_suites(
    suites: &[LoadedSuite],
    target: Target,
    keys: &Arc<KeyRing>,
) -> Result<Vec<CaseResult>, String> {
    let issuer = if needs_issuer(suites) {
        Some(Issuer::start(keys.clone(), 0).await?)
    } else {
        None
    };
    let env = RecordingEnv::default();
    let prepared = prepare(suites, &target, &env, issuer).map_err(|d| d.to_string())?;
    let options = RunOptions {
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        case_timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(600),
        gate: Gate::parse("must")?,
        progress: false,
    };
    Ok(run(suites, &target, prepared, &options, &env).await.cases)
}
