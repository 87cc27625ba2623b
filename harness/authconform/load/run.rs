//! One load run: the server started (or reached) with a generated user and token, the request
//! mix sent for the plan's duration, the server stopped, the tally judged and described.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::NoLoadCredentials;
use super::driver::{LoadSpec, drive};
use super::mix::{JwtTokens, LOAD_FIXTURE, LoadRequest, credentials_of, rotation};
use super::summary::{Limits, Tally, percentile, verdict};
use crate::dialect::{Dialect, Endpoint, Mode};
use crate::duration::unix_now;
use crate::issuer::Issuer;
use crate::jwt::{JwtError, KeyId, Mutation, TokenSpec, forge};
use crate::launch::Target;
use crate::provision::Credentials;
use crate::session::{Session, SessionError};

/// What a load run sends, where and for how long, and what it tolerates.
pub struct LoadPlan {
    pub dialect: Dialect,
    pub mode: &'static Mode,
    pub endpoint: &'static Endpoint,
    /// A server already listening, for a public endpoint only.
    pub base_url: Option<String>,
    pub connections: usize,
    pub duration: Duration,
    /// Share of requests with invalid credentials, in percent.
    pub invalid: u8,
    /// Highest share of failed requests, in percent.
    pub max_error_rate: f64,
    pub max_jwks_fetches: u64,
}

/// Why a load run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Credentials(#[from] NoLoadCredentials),
    #[error(transparent)]
    Jwt(#[from] JwtError),
    /// The server is not a plain-HTTP loopback server, or the endpoint's method is not one.
    #[error("{0}")]
    Url(String),
}

/// Starts the server (or reaches the one at `plan.base_url`), sends the load, stops it, and
/// returns the report text and the verdict's problems (none: pass).
pub async fn run(plan: &LoadPlan, target: &Target) -> Result<(String, Vec<String>), LoadError> {
    let (mode, endpoint) = (plan.mode, plan.endpoint);
    let path = target
        .path_of(plan.dialect, endpoint.name)
        .unwrap_or_else(|| endpoint.path.to_owned());
    let session = Session::start(
        plan.dialect,
        mode,
        target,
        LOAD_FIXTURE,
        plan.base_url.as_deref(),
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
        let (valid, invalid) = credentials_of(plan.dialect, mode, credentials, tokens.as_ref())?;
        rotation(&valid, &invalid, plan.invalid, 20)
    };
    let spec = LoadSpec {
        addr,
        method: endpoint
            .method
            .parse()
            .map_err(|_| LoadError::Url(format!("bad method {}", endpoint.method)))?,
        path: path.clone(),
        rotation: Arc::new(rotation),
        connections: plan.connections,
        duration: plan.duration,
        request_timeout: Duration::from_secs(5),
    };
    let started = std::time::Instant::now();
    let mut tally = drive(spec).await;
    let elapsed = started.elapsed();
    let fetches = issuer.as_ref().map(|i| i.fetches("jwks"));
    session.stop().await;
    tally.latencies_us.sort_unstable();
    let limits = Limits {
        max_error_rate: plan.max_error_rate / 100.0,
        max_jwks_fetches: mode.needs_issuer.then_some(plan.max_jwks_fetches),
    };
    let problems = verdict(&tally, &limits, fetches);
    let report = describe(plan, mode, &path, &tally, elapsed, fetches);
    Ok((report, problems))
}

fn describe(
    plan: &LoadPlan,
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
        plan.dialect,
        mode.name,
        plan.connections,
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
fn loopback_addr(base_url: &str) -> Result<SocketAddr, LoadError> {
    let bad = |why: String| LoadError::Url(format!("{base_url}: {why}"));
    let url = reqwest::Url::parse(base_url).map_err(|e| bad(e.to_string()))?;
    if url.scheme() != "http" {
        return Err(bad("load speaks plain HTTP only".into()));
    }
    let addrs = url
        .socket_addrs(|| Some(80))
        .map_err(|e| bad(e.to_string()))?;
    addrs
        .into_iter()
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| bad("not on loopback".into()))
}

/// One valid token and the invalid ones a JWT server must refuse under load.
fn jwt_tokens(issuer: &Issuer, credentials: &Credentials) -> Result<JwtTokens, LoadError> {
    let jwt = credentials
        .jwt
        .as_ref()
        .ok_or_else(|| NoLoadCredentials("no issuer values".into()))?;
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
