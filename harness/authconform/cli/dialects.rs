//! `authconform dialects`: the known dialects, and one profile as YAML.

use super::error::CliError;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::emit;
use authconform::dialect::{Dialect, profile};

/// List the dialects (built-in profiles, and profile files named with --profile), or print one.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  authconform dialects\n  authconform dialects show http-basic > my-server.yaml\n  authconform dialects show --profile ./my-server.yaml my-server"
)]
pub struct DialectsArgs {
    #[command(subcommand)]
    command: Option<DialectsCommand>,
    /// A profile file of your own to load first. Repeatable.
    #[arg(long, value_name = "FILE", global = true)]
    profile: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum DialectsCommand {
    /// Print a dialect's profile as YAML (a built-in one as shipped: a start for your own).
    Show { name: String },
}

pub fn execute(args: DialectsArgs) -> Result<i32, CliError> {
    for path in &args.profile {
        profile::load_file(path)?;
    }
    match args.command {
        Some(DialectsCommand::Show { name }) => match Dialect::named(&name) {
            Some(d) => {
                emit(&profile::show(d));
                Ok(0)
            }
            None => {
                let known: Vec<&str> = profile::all().iter().map(|d| d.name()).collect();
                Err(CliError::BadInput(format!(
                    "unknown dialect {name:?}; known: {}",
                    known.join(", ")
                )))
            }
        },
        None => {
            let mut out = String::new();
            for d in profile::all() {
                let p = d.profile();
                let modes: Vec<&str> = p.modes.iter().map(|m| m.name).collect();
                let origin = match (&p.source, p.extends) {
                    (Some(path), _) => format!(" (from {})", path.display()),
                    (None, Some(parent)) => format!(" (extends {parent})"),
                    _ => String::new(),
                };
                let reference = if p.reference.is_some() {
                    "reference server"
                } else {
                    "real servers only"
                };
                out.push_str(&format!(
                    "{:<12} {}{origin}\n             modes: {} · {} endpoints · {reference}\n",
                    p.name,
                    p.description,
                    modes.join(", "),
                    p.endpoints.len()
                ));
            }
            emit(&out);
            Ok(0)
        }
    }
}
