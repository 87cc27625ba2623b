//! One case on the wire: its token forged at the last moment, sent within its timeout and the
//! run's deadline, its answer (or failure) named, the issuer's counts read after it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::ExecError;
use super::client::{classify_tls, send};
use crate::duration::unix_now;
use crate::issuer::Issuer;
use crate::jwt::forge;
use crate::plan::HttpRequest;
use crate::verdict::Outcome;

/// One case, ready to send: everything its task owns.
pub(super) struct Sending {
    pub client: reqwest::Client,
    pub base_url: String,
    pub request: HttpRequest,
    pub client_tls: bool,
    pub server_tls: bool,
    pub issuer: Option<Arc<Issuer>>,
    pub counters: Vec<String>,
    pub timeout: Duration,
    pub deadline: Instant,
    pub interrupt: watch::Receiver<bool>,
}

impl Sending {
    pub async fn send(mut self) -> (Outcome, u64) {
        let started = Instant::now();
        let remaining = self.deadline.saturating_duration_since(started);
        let timeout = self.timeout;
        let outcome = if remaining.is_zero() {
            Outcome::Errored("the run's deadline passed before this case ran".into())
        } else if *self.interrupt.borrow() {
            Outcome::Errored("interrupted before it ran".into())
        } else if let Err(e) = attach_jwt(&mut self.request, self.issuer.as_deref()) {
            Outcome::Errored(e.to_string())
        } else {
            let limit = timeout.min(remaining);
            let request = &self.request;
            tokio::select! {
                r = tokio::time::timeout(limit, async {
                    if request.raw {
                        super::raw::send(&self.base_url, request).await
                    } else {
                        send(&self.client, &self.base_url, request).await
                    }
                }) => match r {
                    Ok(Ok(answer)) => Outcome::Answered(answer),
                    Ok(Err(e)) => {
                        let e = e.to_string();
                        match classify_tls(&e, self.client_tls, self.server_tls) {
                            Some(kind) => Outcome::TlsFailed(kind, e),
                            None => Outcome::Errored(e),
                        }
                    }
                    Err(_) if limit < timeout => Outcome::Errored("the run's deadline passed while waiting for the answer".into()),
                    Err(_) => Outcome::Errored(format!("no answer within {}s", timeout.as_secs_f32())),
                },
                _ = self.interrupt.wait_for(|i| *i) => Outcome::Errored("interrupted".into()),
            }
        };
        let outcome = match (outcome, &self.issuer) {
            (Outcome::Answered(mut answer), Some(issuer)) => {
                answer.fetches = self
                    .counters
                    .iter()
                    .map(|name| (name.clone(), issuer.fetches(name)))
                    .collect();
                Outcome::Answered(answer)
            }
            (other, _) => other,
        };
        (outcome, started.elapsed().as_millis() as u64)
    }
}

impl Sending {
    /// One more send of the same request: its latency in ms, if it was answered before `until`.
    pub async fn latency(&self, until: Instant) -> Option<f64> {
        let mut request = self.request.clone();
        attach_jwt(&mut request, self.issuer.as_deref()).ok()?;
        let started = Instant::now();
        let left = until.saturating_duration_since(started);
        let answered = tokio::time::timeout(left, send(&self.client, &self.base_url, &request))
            .await
            .ok()?
            .ok()?;
        drop(answered);
        Some(started.elapsed().as_secs_f64() * 1000.0)
    }
}

/// Forges the request's token now, so its times are relative to sending, and puts it in place.
fn attach_jwt(request: &mut HttpRequest, issuer: Option<&Issuer>) -> Result<(), ExecError> {
    let Some(jwt) = request.jwt.take() else {
        return Ok(());
    };
    let issuer = issuer.ok_or(ExecError::Missing(
        "a `jwt` credential needs the run's mock issuer",
    ))?;
    let token = forge(&jwt.spec, &issuer.forge_context(unix_now()))?;
    match jwt.scheme {
        Some(scheme) => request.headers.push((
            "Authorization".into(),
            format!("{scheme} {token}").into_bytes(),
        )),
        None => {
            request
                .path
                .push(if request.path.contains('?') { '&' } else { '?' });
            request.path.push_str("access_token=");
            request.path.push_str(&token);
        }
    }
    Ok(())
}
