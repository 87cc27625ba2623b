use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::json;

use super::session::{Session, target_or_embedded};
use super::{EXIT_BAD_INPUT, emit};
use authconform::dialect::Dialect;
use authconform::duration::{parse_duration, unix_now};
use authconform::jwt::{TokenSpec, forge};
use authconform::probe::leeway::{Claim, Measured, Search, render};
use authconform::reference::flaws::Flaw;

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

const FIXTURE: &str = "probe";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

pub fn execute(args: ProbeArgs) -> i32 {
    let ProbeAction::Leeway(args) = args.action;
    let Some(mode) = args.dialect.mode(&args.mode) else {
        eprintln!(
            "error: dialect {} has no mode {:?}",
            args.dialect, args.mode
        );
        return EXIT_BAD_INPUT;
    };
    if !mode.needs_issuer {
        eprintln!(
            "error: mode {} of {} does not validate JWTs against an issuer: name one that does (generic jwt, cratedb jwt, weaviate oidc)",
            mode.name, args.dialect
        );
        return EXIT_BAD_INPUT;
    }
    let limit = args.limit.as_secs();
    if !(1..=86_400).contains(&limit) || args.max.as_secs() >= limit {
        eprintln!("error: --limit must be 1s to 1440m and more than --max");
        return EXIT_BAD_INPUT;
    }
    let endpoint = match &args.endpoint {
        Some(name) => args.dialect.endpoint(name),
        None => args.dialect.endpoints().iter().find(|e| !e.public),
    };
    let Some(endpoint) = endpoint.filter(|e| !e.public) else {
        eprintln!(
            "error: dialect {} has no such protected endpoint",
            args.dialect
        );
        return EXIT_BAD_INPUT;
    };
    let target = match target_or_embedded(args.target.as_deref(), &args.debug_with_flaw) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let Some(runtime) = super::runtime() else {
        return 1;
    };
    let path = target
        .path_of(args.dialect, endpoint.name)
        .unwrap_or_else(|| endpoint.path.to_owned());
    let result = runtime.block_on(async {
        let session = Session::start(args.dialect, mode, &target, FIXTURE, None).await?;
        let measured = measure(&session, endpoint.method, &path, limit).await;
        session.stop().await;
        measured
    });
    match result {
        Ok(measured) => {
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
                0
            } else {
                emit(&format!(
                    "verdict: FINDING — {findings} claim(s) with more leeway than {max}s ({requests} requests)\n"
                ));
                1
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// A valid token first (else nothing can be measured), then a bisection per claim.
async fn measure(
    session: &Session,
    method: &str,
    path: &str,
    limit: u64,
) -> Result<Vec<Measured>, String> {
    let client = authconform::exec::client::client_builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let method: reqwest::Method = method.parse().map_err(|_| format!("bad method {method}"))?;
    let url = format!("{}{path}", session.base_url);
    let accepted = |moved: Option<(Claim, u64)>| {
        let (client, method, url) = (&client, method.clone(), &url);
        async move {
            let token = token(session, moved)?;
            let answer = client
                .request(method, url)
                .bearer_auth(token)
                .send()
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            let status = answer.status();
            if status.is_server_error() {
                return Err(format!(
                    "{url} answered {status}: the probe needs 2xx or 4xx"
                ));
            }
            Ok::<bool, String>(status.is_success())
        }
    };
    if !accepted(None).await? {
        return Err(format!(
            "{url} refuses a valid token: check the target's issuer settings before probing"
        ));
    }
    let mut out = Vec::new();
    for claim in Claim::ALL {
        let mut search = Search::new(limit);
        while let Some(offset) = search.next() {
            let ok = accepted(Some((claim, offset))).await?;
            search.record(offset, ok);
        }
        out.push(Measured {
            claim,
            leeway: search.result(),
            requests: search.steps(),
        });
    }
    Ok(out)
}

/// A valid token, one time claim moved by `offset` seconds.
fn token(session: &Session, moved: Option<(Claim, u64)>) -> Result<String, String> {
    let issuer = session.issuer.as_ref().ok_or("the mode has no issuer")?;
    let jwt = session.credentials.jwt.as_ref().ok_or("no issuer values")?;
    let user = &session
        .credentials
        .users
        .get(FIXTURE)
        .ok_or("no probe user")?
        .name;
    let mut spec = TokenSpec::valid(&jwt.issuer, &jwt.audience, user);
    if let Some((claim, offset)) = moved {
        spec.claims
            .insert(claim.name().into(), json!(claim.relative(offset)));
    }
    forge(&spec, &issuer.forge_context(unix_now()))
}
