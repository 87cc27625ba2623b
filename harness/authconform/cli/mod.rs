//! The command line: one module per command, each parsing its flags, calling the library
//! and printing. Private: everything a program could reuse lives in the `authconform` library.

mod baseline;
mod compare;
mod coverage;
mod dialects;
mod error;
mod jwks;
mod jwt;
mod list;
mod load;
mod manual;
mod mutants;
mod probe;
mod run;
mod select;
mod serve;
mod suites;
mod target_choice;
mod validate;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use error::CliError;

#[derive(Parser)]
#[command(
    name = "authconform",
    version,
    about = "Conformance tests for the HTTP authentication of database servers",
    long_about = "Conformance tests for the HTTP authentication and authorization of database servers \
(Chroma, Weaviate, CrateDB and anything shaped like them).\n\n\
Scenario files (YAML) say what a target must do: public endpoints open, protected ones closed, good \
credentials accepted, bad ones refused alike. With no --target, the scenarios run against the embedded \
reference server.",
    after_help = "Examples:\n  authconform run scenarios/\n  authconform run scenarios/chroma --target targets/chroma-0.6.yaml --format junit --output report.xml\n  authconform validate scenarios/\n  authconform list scenarios/ --endpoints\n  authconform dialects show http-basic\n  authconform compare embedded.json chroma.json\n  authconform probe leeway --dialect cratedb --mode jwt\n  authconform coverage scenarios/ --format sarif --output coverage.sarif\n  authconform jwks serve --port 8999 --keys keys.json\n  authconform jwt forge unsigned --keys keys.json --issuer http://127.0.0.1:8999\n\nExit status:\n  0  conformant: something was judged and no case at or above the gate failed\n  1  the gate failed: a case at or above the gate failed\n  2  bad input: flags, scenario, target or profile files, an unset ${env:NAME}\n  3  nothing could be judged: no case ran, every case was skipped (see --allow-skips) or\n     some errored with no gate failure, or the target never became ready\n  130, 143  stopped by SIGINT or SIGTERM (reports are still written, unfinished cases errored)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Run(run::RunArgs),
    Validate(validate::ValidateArgs),
    List(list::ListArgs),
    Compare(compare::CompareArgs),
    Coverage(coverage::CoverageArgs),
    Serve(serve::ServeArgs),
    Jwks(jwks::JwksArgs),
    Jwt(jwt::JwtArgs),
    Load(load::LoadArgs),
    Mutants(mutants::MutantsArgs),
    Probe(probe::ProbeArgs),
    Baseline(baseline::BaselineArgs),
    Dialects(dialects::DialectsArgs),
    Suites(suites::SuitesArgs),
    Completions(manual::CompletionsArgs),
    Man(manual::ManArgs),
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to stdout: {e}");
    }
}

/// The async runtime of a command.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::not_judged(format!("cannot start the async runtime: {e}")))
}

/// The suites under `paths`, or the built-in ones (compiled into the binary) when none are named.
fn load_suites(
    paths: &[PathBuf],
) -> Result<
    Vec<authconform::scenario::load::LoadedSuite>,
    authconform::scenario::diagnostic::Diagnostics,
> {
    if paths.is_empty() {
        authconform::builtin::load_suites()
    } else {
        authconform::scenario::load_all(paths)
    }
}

/// Parses the command line, runs the command and returns the process's exit status; the one
/// place an error is printed.
pub fn dispatch() -> i32 {
    match execute(Cli::parse().command) {
        Ok(status) => status,
        Err(e) => {
            eprint!("{e}");
            e.exit_code()
        }
    }
}

fn execute(command: Command) -> Result<i32, CliError> {
    match command {
        Command::Run(args) => run::execute(args),
        Command::Suites(args) => suites::execute(args),
        Command::Completions(args) => manual::completions(args),
        Command::Man(args) => manual::man(args),
        Command::Validate(args) => validate::execute(args),
        Command::List(args) => list::execute(args),
        Command::Compare(args) => compare::execute(args),
        Command::Coverage(args) => coverage::execute(args),
        Command::Serve(args) => serve::execute(args),
        Command::Jwks(args) => jwks::execute(args),
        Command::Jwt(args) => jwt::execute(args),
        Command::Load(args) => load::execute(args),
        Command::Mutants(args) => mutants::execute(args),
        Command::Probe(args) => probe::execute(args),
        Command::Baseline(args) => baseline::execute(args),
        Command::Dialects(args) => dialects::execute(args),
    }
}
