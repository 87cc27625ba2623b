use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::emit;
use super::error::CliError;

/// The suites, profiles and requirement catalogue compiled into this binary: list them, or copy
/// them out to edit (then `authconform run DIR/scenarios --requirements DIR/requirements`).
#[derive(Args)]
pub struct SuitesArgs {
    #[command(subcommand)]
    command: SuitesCommand,
}

#[derive(Subcommand)]
enum SuitesCommand {
    /// Each built-in file: suites with their dialect, modes and case count; profiles; the
    /// requirement catalogue.
    List,
    /// Write every built-in file under DIR as `scenarios/…`, `profiles/…` and `requirements/…`.
    /// An existing file is not overwritten without --force.
    Export {
        dir: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}

/// Every built-in file: its path under an export directory, and its text.
fn files() -> Vec<(String, &'static str)> {
    let suites = authconform::builtin::SUITES
        .iter()
        .map(|(path, text)| ((*path).to_owned(), *text));
    let profiles = authconform::dialect::profile::BUILT_IN
        .iter()
        .map(|(name, text)| (format!("profiles/{name}.yaml"), *text));
    let requirements = authconform::builtin::REQUIREMENTS
        .iter()
        .map(|(path, text)| ((*path).to_owned(), *text));
    suites.chain(profiles).chain(requirements).collect()
}

pub fn execute(args: SuitesArgs) -> Result<i32, CliError> {
    match args.command {
        SuitesCommand::List => list(),
        SuitesCommand::Export { dir, force } => export(&dir, force),
    }
}

fn list() -> Result<i32, CliError> {
    use std::fmt::Write as _;
    let mut out = String::new();
    let suites = authconform::builtin::load_suites()?;
    for loaded in &suites {
        let s = &loaded.suite;
        let modes: Vec<&str> = s.modes.iter().map(|m| m.value.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<44} suite   {:<28} {} ({}), {} cases",
            loaded.path.display(),
            s.suite.value,
            s.dialect.value,
            modes.join(", "),
            s.cases.len()
        );
    }
    for (name, _) in authconform::dialect::profile::BUILT_IN {
        let _ = writeln!(
            out,
            "{:<44} profile {name}",
            format!("profiles/{name}.yaml")
        );
    }
    let catalogue = authconform::coverage::catalogue(None)?;
    for (path, _) in authconform::builtin::REQUIREMENTS {
        let _ = writeln!(out, "{path:<44} requirements");
    }
    let _ = writeln!(
        out,
        "{} suites, {} profiles, {} requirements",
        suites.len(),
        authconform::dialect::profile::BUILT_IN.len(),
        catalogue.len()
    );
    emit(&out);
    Ok(0)
}

fn export(dir: &Path, force: bool) -> Result<i32, CliError> {
    let files = files();
    if !force && let Some((path, _)) = files.iter().find(|(path, _)| dir.join(path).exists()) {
        return Err(CliError::BadInput(format!(
            "{} exists: not overwritten (--force overwrites)",
            dir.join(path).display()
        )));
    }
    for (path, text) in &files {
        let target = dir.join(path);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, text));
        written
            .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", target.display())))?;
    }
    emit(&format!(
        "wrote {} files under {}: scenarios/, profiles/, requirements/\n\
         run them with: authconform run {} --requirements {}\n",
        files.len(),
        dir.display(),
        dir.join("scenarios").display(),
        dir.join("requirements").display()
    ));
    Ok(0)
}
