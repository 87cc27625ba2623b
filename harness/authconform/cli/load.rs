use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::session::{Session, target_or_embedded};
use super::{EXIT_BAD_INPUT, emit};
use authconform::dialect::{Dialect, Mode};
use authconform::duration::{parse_duration, unix_now};
use authconform::issuer::Issuer;
use authconform::jwt::{KeyId, Mutation, TokenSpec, forge};
use authconform::launch::Target;
use authconform::load::driver::{LoadSpec, drive};
use authconform::load::mix::{JwtTokens, LOAD_FIXTURE, LoadRequest, credentials_of, rotation};
use authconform::load::summary::{Limits, Tally, percentile, verdict};
use authconform::provision::Credentials;

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

pub fn execute(args: LoadArgs) -> i32 {
    if !(1..=MAX_CONNECTIONS).contains(&args.connections) {
        eprintln!("error: --connections must be between 1 and {MAX_CONNECTIONS}");
        return EXIT_BAD_INPUT;
    }
    if args.duration.is_zero() || args.duration > MAX_DURATION {
        eprintln!("error: --duration must be more than 0 and at most 5m");
        return EXIT_BAD_INPUT;
    }
    let Some(mode) = args.dialect.mode(&args.mode) else {
        let names: Vec<_> = args.dialect.modes().iter().map(|m| m.name).collect();
        eprintln!(
            "error: dialect {} has no mode {:?} (modes: {})",
            args.dialect,
            args.mode,
            names.join(", ")
        );
        return EXIT_BAD_INPUT;
    };
    let endpoint = match &args.endpoint {
        Some(name) => args.dialect.endpoint(name),
        None => args.dialect.endpoints().iter().find(|e| !e.public),
    };
    let Some(endpoint) = endpoint else {
        eprintln!("error: dialect {} has no such endpoint", args.dialect);
        return EXIT_BAD_INPUT;
    };
    if args.base_url.is_some() && !endpoint.public {
        eprintln!(
            "error: --base-url knows no credentials: name a public --endpoint, or give a target file"
        );
        return EXIT_BAD_INPUT;
    }
    let target = match target_or_embedded(args.target.as_deref(), &[]) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let Some(runtime) = super::runtime() else {
        return 1;
    };
    match runtime.block_on(run(&args, mode, endpoint, &target)) {
        Ok((report, problems)) => {
            emit(&report);
            if problems.is_empty() {
                emit("verdict: pass\n");
                0
            } else {
                emit(&format!("verdict: FAIL — {}\n", problems.join("; ")));
                1
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

async fn run(
    args: &LoadArgs,
    mode: &'static Mode,
    endpoint: &authconform::dialect::Endpoint,
    target: &Target,
) -> Result<(String, Vec<String>), String> {
    let path = target
        .path_of(args.dialect, endpoint.name)
        .unwrap_or_else(|| endpoint.path.to_owned());
    let session = Session::start(
        args.dialect,
        mode,
        target,
        LOAD_FIXTURE,
        args.base_url.as_deref(),
    )
    .await?;
    let (issuer, credentials) = (&session.issuer, &session.credentials);
    let addr = loopback_addr(&session.base_url)?;
    let rotation = if endpoint.public {
        vec![LoadRequest {
            headers: Vec::new(),
            valid: true,
            label: "public",
        }]
    } else {
        let tokens = issuer.as_ref().map(|i| jwt_tokens(i, credentials));
        let tokens = tokens.transpose()?;
        let (valid, invalid) = credentials_of(args.dialect, mode, credentials, tokens.as_ref())?;
        rotation(&valid, &invalid, args.invalid, 20)
    };
    let spec = LoadSpec {
        addr,
        method: endpoint
            .method
            .parse()
            .map_err(|_| format!("bad method {}", endpoint.method))?,
        path: path.clone(),
        rotation: Arc::new(rotation),
        connections: args.connections,
        duration: args.duration,
        request_timeout: Duration::from_secs(5),
    };
    let started = std::time::Instant::now();
    let mut tally = drive(spec).await;
    let elapsed = started.elapsed();
    let fetches = issuer.as_ref().map(|i| i.fetches("jwks"));
    session.stop().await;
    tally.latencies_us.sort_unstable();
    let limits = Limits {
        max_error_rate: args.max_error_rate / 100.0,
        max_jwks_fetches: mode.needs_issuer.then_some(args.max_jwks_fetches),
    };
    let problems = verdict(&tally, &limits, fetches);
    let report = describe(args, mode, &path, &tally, elapsed, fetches);
    Ok((report, problems))
}

fn describe(
    args: &LoadArgs,
    mode: &Mode,
    path: &str,
    tally: &Tally,
    elapsed: Duration,
    fetches: Option<u64>,
) -> String {
    let n = tally.requests();
    let rate = n as f64 / elapsed.as_secs_f64().max(1e-9);
    let l = &tally.latencies_us;
    let mut out = format!(
        "load: {} {}, {path}, {} connections, {:.1}s\n",
        args.dialect,
        mode.name,
        args.connections,
        elapsed.as_secs_f64()
    );
    out.push_str(&format!("requests: {n} ({rate:.0}/s)\n"));
    out.push_str(&format!(
        "valid:    {} answered 2xx, {} refused\n",
        tally.valid_ok, tally.valid_refused
    ));
    out.push_str(&format!(
        "invalid:  {} refused, {} accepted\n",
        tally.invalid_refused, tally.invalid_accepted
    ));
    out.push_str(&format!(
        "errors:   {} ({:.2}%)\n",
        tally.errors,
        tally.error_rate() * 100.0
    ));
    out.push_str(&format!(
        "latency:  p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n",
        percentile(l, 0.5),
        percentile(l, 0.9),
        percentile(l, 0.99),
        percentile(l, 1.0)
    ));
    if let Some(f) = fetches {
        out.push_str(&format!("jwks fetches: {f}\n"));
    }
    out
}

/// The socket address of a loopback base URL.
fn loopback_addr(base_url: &str) -> Result<SocketAddr, String> {
    let url = reqwest::Url::parse(base_url).map_err(|e| format!("{base_url:?}: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!("{base_url}: load speaks plain HTTP only"));
    }
    let addrs = url
        .socket_addrs(|| Some(80))
        .map_err(|e| format!("{base_url}: {e}"))?;
    addrs
        .into_iter()
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| format!("{base_url} is not on loopback"))
}

/// One valid token and the invalid ones a JWT server must refuse under load.
fn jwt_tokens(issuer: &Issuer, credentials: &Credentials) -> Result<JwtTokens, String> {
    let jwt = credentials.jwt.as_ref().ok_or("no issuer values")?;
    let user = &credentials.users[LOAD_FIXTURE].name;
    let spec = |key: KeyId, mutate: Option<Mutation>, exp: &str| {
        let mut spec = TokenSpec::valid(&jwt.issuer, &jwt.audience, user);
        spec.claims.insert("exp".into(), json!(exp));
        TokenSpec {
            key,
            mutate,
            ..spec
        }
    };
    let ctx = issuer.forge_context(unix_now());
    Ok(JwtTokens {
        valid: forge(&spec(KeyId::Rs256, None, "+1h"), &ctx)?,
        invalid: vec![
            (
                "alg none",
                forge(&spec(KeyId::Rs256, Some(Mutation::Unsigned), "+1h"), &ctx)?,
            ),
            (
                "key confusion",
                forge(
                    &spec(KeyId::Rs256, Some(Mutation::Hs256PublicPem), "+1h"),
                    &ctx,
                )?,
            ),
            ("expired", forge(&spec(KeyId::Rs256, None, "-1s"), &ctx)?),
            (
                "unpublished key",
                forge(&spec(KeyId::Outsider, None, "+1h"), &ctx)?,
            ),
        ],
    })
}
