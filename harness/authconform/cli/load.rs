use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::emit;
use super::error::CliError;
use super::target_choice::target_or_embedded;
use authconform::dialect::Dialect;
use authconform::duration::parse_duration;
use authconform::load::run::{LoadPlan, run};

const MAX_CONNECTIONS: usize = 1024;
const MAX_DURATION: Duration = Duration::from_secs(300);

/// Load a server: C connections for D seconds, sending valid and invalid credentials to a
/// protected endpoint (or nothing to a public one). Fails when an invalid credential ever
/// succeeds, when the error rate is too high, or (JWT modes) when the JWKS is fetched too often.
#[derive(Args)]
pub struct LoadArgs {
    /// The dialect: chroma, weaviate, cratedb or generic.
    #[arg(long, value_parser = super::serve::parse_dialect)]
    dialect: Dialect,
    /// The auth mode (see `authconform list --endpoints`).
    #[arg(long)]
    mode: String,
    /// A target file; without it (and without --base-url), the embedded reference server.
    #[arg(long, short = 't', value_name = "FILE", conflicts_with = "base_url")]
    target: Option<PathBuf>,
    /// A server already listening on loopback, for a public endpoint only (no credentials known).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The endpoint (default: the dialect's first protected one).
    #[arg(long, value_name = "NAME")]
    endpoint: Option<String>,
    /// Connections, each sending one request after another (1–1024).
    #[arg(long, short = 'c', default_value_t = 16)]
    connections: usize,
    /// How long to send (at most 5m).
    #[arg(long, short = 'd', default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Share of requests with invalid credentials, in percent.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    invalid: u8,
    /// Highest share of failed requests (no answer, or valid credentials refused), in percent.
    #[arg(long, default_value_t = 1.0)]
    max_error_rate: f64,
    /// JWT modes: the most JWKS fetches the whole run may cause.
    #[arg(long, default_value_t = 5)]
    max_jwks_fetches: u64,
}

pub fn execute(args: LoadArgs) -> Result<i32, CliError> {
    if !(1..=MAX_CONNECTIONS).contains(&args.connections) {
        return Err(CliError::BadInput(format!(
            "--connections must be between 1 and {MAX_CONNECTIONS}"
        )));
    }
    if args.duration.is_zero() || args.duration > MAX_DURATION {
        return Err(CliError::BadInput(
            "--duration must be more than 0 and at most 5m".into(),
        ));
    }
    let Some(mode) = args.dialect.mode(&args.mode) else {
        let names: Vec<_> = args.dialect.modes().iter().map(|m| m.name).collect();
        return Err(CliError::BadInput(format!(
            "dialect {} has no mode {:?} (modes: {})",
            args.dialect,
            args.mode,
            names.join(", ")
        )));
    };
    let endpoint = match &args.endpoint {
        Some(name) => args.dialect.endpoint(name),
        None => args.dialect.endpoints().iter().find(|e| !e.public),
    };
    let Some(endpoint) = endpoint else {
        return Err(CliError::BadInput(format!(
            "dialect {} has no such endpoint",
            args.dialect
        )));
    };
    if args.base_url.is_some() && !endpoint.public {
        return Err(CliError::BadInput(
            "--base-url knows no credentials: name a public --endpoint, or give a target file"
                .into(),
        ));
    }
    let target = target_or_embedded(args.target.as_deref(), &[])?;
    let plan = LoadPlan {
        dialect: args.dialect,
        mode,
        endpoint,
        base_url: args.base_url,
        connections: args.connections,
        duration: args.duration,
        invalid: args.invalid,
        max_error_rate: args.max_error_rate,
        max_jwks_fetches: args.max_jwks_fetches,
    };
    let runtime = super::runtime()?;
    let (report, problems) = runtime.block_on(run(&plan, &target))?;
    emit(&report);
    if problems.is_empty() {
        emit("verdict: pass\n");
        Ok(0)
    } else {
        emit(&format!("verdict: FAIL — {}\n", problems.join("; ")));
        Ok(1)
    }
}
