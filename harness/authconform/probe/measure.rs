//! The leeway probe on the wire: a session's valid token accepted first, then each time claim
//! moved until the target refuses it (the bisection itself is [`super::leeway`]).

use std::time::Duration;

use serde_json::json;

use super::leeway::{Claim, Measured, Search};
use crate::duration::unix_now;
use crate::jwt::{JwtError, TokenSpec, forge};
use crate::session::Session;

/// The user and token name of a probe session.
pub const FIXTURE: &str = "probe";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the probe could not measure.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The target did not answer as the probe needs (a valid token refused, a 5xx, no answer).
    #[error("{0}")]
    Probe(String),
    #[error(transparent)]
    Jwt(#[from] JwtError),
}

/// A valid token first (else nothing can be measured), then a bisection per claim.
pub async fn measure(
    session: &Session,
    method: &str,
    path: &str,
    limit: u64,
) -> Result<Vec<Measured>, ProbeError> {
    let client = crate::http_client::client_builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|e| ProbeError::Probe(format!("HTTP client: {e}")))?;
    let method: reqwest::Method = method
        .parse()
        .map_err(|_| ProbeError::Probe(format!("bad method {method}")))?;
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
                .map_err(|e| ProbeError::Probe(format!("{url}: {e}")))?;
            let status = answer.status();
            if status.is_server_error() {
                return Err(ProbeError::Probe(format!(
                    "{url} answered {status}: the probe needs 2xx or 4xx"
                )));
            }
            Ok::<bool, ProbeError>(status.is_success())
        }
    };
    if !accepted(None).await? {
        return Err(ProbeError::Probe(format!(
            "{url} refuses a valid token: check the target's issuer settings before probing"
        )));
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
fn token(session: &Session, moved: Option<(Claim, u64)>) -> Result<String, ProbeError> {
    let missing = |what: &str| ProbeError::Probe(what.to_owned());
    let issuer = session
        .issuer
        .as_ref()
        .ok_or_else(|| missing("the mode has no issuer"))?;
    let jwt = session
        .credentials
        .jwt
        .as_ref()
        .ok_or_else(|| missing("no issuer values"))?;
    let user = &session
        .credentials
        .users
        .get(FIXTURE)
        .ok_or_else(|| missing("no probe user"))?
        .name;
    let mut spec = TokenSpec::valid(&jwt.issuer, &jwt.audience, user);
    if let Some((claim, offset)) = moved {
        spec.claims
            .insert(claim.name().into(), json!(claim.relative(offset)));
    }
    Ok(forge(&spec, &issuer.forge_context(unix_now()))?)
}
