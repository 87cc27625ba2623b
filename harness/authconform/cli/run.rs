use super::error::CliError;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::emit;
use super::select::SelectArgs;
use authconform::duration::parse_duration;
use authconform::exec::prepare::{RecordingEnv, needs_issuer, prepare};
use authconform::exec::runner::{RunOptions, run};
use authconform::issuer::Issuer;
use authconform::launch::Target;
use authconform::level::Gate;
use authconform::report::baseline::Baseline;
use authconform::report::{Format, terminal};

/// Run scenarios against a target (default: the embedded reference server).
#[derive(Args)]
pub struct RunArgs {
    /// Scenario files or directories. Without any: the built-in suites (the repository's
    /// scenarios/ as compiled in), those of the target's dialect when a target is given.
    paths: Vec<PathBuf>,
    /// A target file: a running server (`base_url`) or one to launch per auth mode (`launch`).
    /// Without it, the embedded reference server is the target.
    #[arg(long, short = 't', value_name = "FILE")]
    target: Option<PathBuf>,
    /// A report format: json, junit, markdown, html or sarif. Repeatable; the n-th --format goes to the n-th
    /// --output, and a format with no --output goes to stdout in place of the terminal report.
    #[arg(long, short = 'f', value_name = "FORMAT")]
    format: Vec<Format>,
    /// Write a report to FILE. Repeatable. Without a matching --format, the extension decides
    /// (.json, .xml, .md, .html, .sarif).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Vec<PathBuf>,
    /// Which failed levels make the exit status 1: `must` (default), `should` (must and should),
    /// `compat` (all), or a list such as `must,compat`.
    #[arg(long, value_name = "LEVELS", default_value = "must", value_parser = Gate::parse)]
    fail_on: Gate,
    /// Cases sent at once [default: the number of CPUs].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Time one case may take, e.g. 500ms, 10s.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    timeout: std::time::Duration,
    /// Time the whole run may take; cases not done by then are errored.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    deadline: std::time::Duration,
    /// A baseline file (`authconform baseline REPORT.json`): the failures it lists do not fail the
    /// gate; new ones do, and listed cases that pass again are named.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// The mock issuer's port on 127.0.0.1 (0: a free one). Fix it when a running server must be
    /// configured with the issuer's URL ahead of the run.
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    issuer_port: u16,
    /// The requirement catalogue SARIF reports name their rules from (docs/reports.md § Requirement
    /// coverage).
    #[arg(long, value_name = "DIR")]
    requirements: Option<PathBuf>,
    /// Keep each launched server's work directory (its credential files and logs) and print its
    /// path; by default it is removed when the server stops.
    #[arg(long)]
    keep_workdir: bool,
    /// A run whose every case is skipped exits 0 instead of 3 (for a suite meant to skip on some
    /// targets). Errored cases still exit 3.
    #[arg(long)]
    allow_skips: bool,
    /// No progress line, even on a terminal (it is never drawn when CI is set or stderr is piped).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// How JUnit shows findings below the gate: `failure` (`<failure type="finding">`, so CI's
    /// failure count matches the terminal's) or `skipped` (`<skipped>`, CI stays green on them).
    #[arg(long, value_name = "failure|skipped", default_value = "failure")]
    junit_findings: JunitFindings,
    /// Colour the terminal report: `auto` (on a terminal, unless NO_COLOR is set and not empty,
    /// or TERM is dumb), `always`, `never`.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    color: Color,
    #[command(flatten)]
    select: SelectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl From<Color> for terminal::ColorChoice {
    fn from(c: Color) -> Self {
        match c {
            Color::Auto => terminal::ColorChoice::Auto,
            Color::Always => terminal::ColorChoice::Always,
            Color::Never => terminal::ColorChoice::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum JunitFindings {
    Failure,
    Skipped,
}

pub fn execute(args: RunArgs) -> Result<i32, CliError> {
    let suites = super::load_suites(&args.paths)?;
    let mut target = match &args.target {
        None => Target::embedded(),
        Some(path) => Target::from_file(path)?,
    };
    target.keep_workdir = args.keep_workdir;
    // The built-in suites of other dialects would only be skipped: leave them out, and say so.
    let suites = match target.dialect {
        Some(own) if args.paths.is_empty() => {
            let total = suites.len();
            let kept: Vec<_> = suites
                .into_iter()
                .filter(|s| own.speaks(s.suite.dialect.value))
                .collect();
            let verb = if kept.len() == 1 { "is" } else { "are" };
            eprintln!(
                "note: {} of {total} built-in suites {verb} for dialect {own} (or one it extends); the rest are left out",
                kept.len()
            );
            kept
        }
        _ => suites,
    };
    let mut suites = suites;
    let selection = args.select.apply(&mut suites)?;
    let baseline = match &args.baseline {
        None => None,
        Some(path) => {
            let text = authconform::scenario::load::read_input_text(
                path,
                authconform::scenario::load::MAX_REPORT_BYTES,
            )
            .map_err(CliError::bad_input)?;
            Some(
                Baseline::parse(&text)
                    .map_err(|e| CliError::BadInput(format!("{}: {e}", path.display())))?,
            )
        }
    };
    let outputs = pair_outputs(&args.format, &args.output).map_err(CliError::BadInput)?;
    let runtime = super::runtime()?;
    let issuer = if needs_issuer(&suites) {
        Some(
            runtime
                .block_on(Issuer::start_with_new_keys(args.issuer_port))
                .map_err(CliError::not_judged)?,
        )
    } else {
        None
    };
    let env = RecordingEnv::default();
    // The issuer's HTTPS fronts start while planning: they need the runtime.
    let planned = {
        let _inside = runtime.enter();
        prepare(&suites, &target, &env, issuer)
    };
    let prepared = planned?;
    let options = RunOptions {
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        case_timeout: args.timeout,
        deadline: args.deadline,
        gate: args.fail_on,
        progress: !args.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none(),
    };
    let redactor = prepared.redactor.clone();
    let report = runtime.block_on(run(&suites, &target, prepared, &options, &env));
    let (report, applied) = match &baseline {
        Some(b) => {
            let (report, applied) = b.apply(report, &options.gate);
            (report, Some(applied))
        }
        None => (report, None),
    };
    let mut report = report;
    report.allow_skips = args.allow_skips;
    report.selection = selection;
    report.junit_findings_skipped = args.junit_findings == JunitFindings::Skipped;
    if outputs.iter().any(|(f, _)| *f == Format::Sarif) {
        report.requirements = authconform::coverage::catalogue(args.requirements.as_deref())?;
    }
    let mut to_stdout = false;
    for (format, path) in &outputs {
        let text = redactor.redact(&format.render(&report));
        match path {
            Some(path) => {
                std::fs::write(path, text).map_err(|e| {
                    CliError::BadInput(format!("cannot write {}: {e}", path.display()))
                })?;
            }
            None => {
                emit(&text);
                to_stdout = true;
            }
        }
    }
    if !to_stdout {
        let colour = terminal::colour_wanted(
            args.color.into(),
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        );
        emit(&redactor.redact(&terminal::render(&report, colour)));
    }
    if let Some(applied) = applied {
        eprint!("{}", applied.describe());
    }
    Ok(report.exit_code())
}

/// Pairs formats with outputs by position; extra outputs take their format from the extension.
fn pair_outputs(
    formats: &[Format],
    outputs: &[PathBuf],
) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    let mut pairs = Vec::new();
    for (i, path) in outputs.iter().enumerate() {
        let format = match formats.get(i) {
            Some(f) => *f,
            None => Format::from_extension(path).ok_or_else(|| {
                format!(
                    "cannot tell the format of {}: add --format json|junit|markdown|html",
                    path.display()
                )
            })?,
        };
        pairs.push((format, Some(path.clone())));
    }
    for format in formats.iter().skip(outputs.len()) {
        pairs.push((*format, None));
    }
    Ok(pairs)
}
