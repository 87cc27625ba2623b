use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::emit;
use super::error::CliError;
use super::target_choice::target_or_embedded;
use authconform::dialect::Dialect;
use authconform::duration::parse_duration;
use authconform::probe::leeway::render;
use authconform::probe::measure::{FIXTURE, ProbeError, measure};
use authconform::reference::flaws::Flaw;
use authconform::session::Session;

/// Measure a target instead of judging cases against it.
#[derive(Args)]
pub struct ProbeArgs {
    #[command(subcommand)]
    action: ProbeAction,
}

#[derive(Subcommand)]
enum ProbeAction {
    Leeway(LeewayArgs),
}

/// How far past `exp`, before `nbf` and ahead of `iat` a JWT-accepting target still takes a
/// token, found by bisection (at most about 14 requests per claim). A leeway above --max is a
/// finding (exit 1); an `iat` that is not checked at all is a note.
#[derive(Args)]
struct LeewayArgs {
    /// A target file; without it, the embedded reference server.
    #[arg(long, short = 't', value_name = "FILE")]
    target: Option<PathBuf>,
    /// The dialect: generic, cratedb or weaviate.
    #[arg(long, default_value = "generic", value_parser = super::serve::parse_dialect)]
    dialect: Dialect,
    /// A mode of the dialect that validates JWTs against the run's mock issuer.
    #[arg(long, default_value = "jwt")]
    mode: String,
    /// The protected endpoint (default: the dialect's first protected one).
    #[arg(long, value_name = "NAME")]
    endpoint: Option<String>,
    /// The most leeway allowed before it is a finding.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    max: Duration,
    /// The furthest offset tried; still accepted there means "not checked".
    #[arg(long, default_value = "60m", value_parser = parse_duration)]
    limit: Duration,
    /// For showing that the probe works: give the embedded server a deliberate flaw such as
    /// `generous-leeway` (names in `authconform mutants --list`).
    #[arg(long, value_name = "FLAW", conflicts_with = "target")]
    debug_with_flaw: Vec<Flaw>,
}

pub fn execute(args: ProbeArgs) -> Result<i32, CliError> {
    let ProbeAction::Leeway(args) = args.action;
    let Some(mode) = args.dialect.mode(&args.mode) else {
        return Err(CliError::BadInput(format!(
            "dialect {} has no mode {:?}",
            args.dialect, args.mode
        )));
    };
    if !mode.needs_issuer {
        return Err(CliError::BadInput(format!(
            "mode {} of {} does not validate JWTs against an issuer: name one that does (generic jwt, cratedb jwt, weaviate oidc)",
            mode.name, args.dialect
        )));
    }
    let limit = args.limit.as_secs();
    if !(1..=86_400).contains(&limit) || args.max.as_secs() >= limit {
        return Err(CliError::BadInput(
            "--limit must be 1s to 1440m and more than --max".into(),
        ));
    }
    let endpoint = match &args.endpoint {
        Some(name) => args.dialect.endpoint(name),
        None => args.dialect.endpoints().iter().find(|e| !e.public),
    };
    let Some(endpoint) = endpoint.filter(|e| !e.public) else {
        return Err(CliError::BadInput(format!(
            "dialect {} has no such protected endpoint",
            args.dialect
        )));
    };
    let target = target_or_embedded(args.target.as_deref(), &args.debug_with_flaw)?;
    let runtime = super::runtime()?;
    let path = target
        .path_of(args.dialect, endpoint.name)
        .unwrap_or_else(|| endpoint.path.to_owned());
    let measured = runtime.block_on(async {
        let session = Session::start(args.dialect, mode, &target, FIXTURE, None).await?;
        let measured = measure(&session, endpoint.method, &path, limit).await;
        session.stop().await;
        measured.map_err(|e| match e {
            ProbeError::Probe(why) => CliError::NotJudged(why),
            other => CliError::not_judged(other),
        })
    })?;
    let max = args.max.as_secs();
    let requests: u32 = measured.iter().map(|m| m.requests).sum::<u32>() + 1;
    emit(&format!(
        "leeway probe: {} {} on {} {path} (target {}), max {max}s, limit {limit}s\n",
        args.dialect, mode.name, endpoint.method, target.name
    ));
    emit(&render(&measured, max));
    let findings = measured.iter().filter(|m| m.is_finding(max)).count();
    if findings == 0 {
        emit(&format!("verdict: pass ({requests} requests)\n"));
        Ok(0)
    } else {
        emit(&format!(
            "verdict: FINDING — {findings} claim(s) with more leeway than {max}s ({requests} requests)\n"
        ));
        Ok(1)
    }
}
