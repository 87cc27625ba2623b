//! Sending planned requests: the HTTP client, preparing a run, the runner that drives a whole plan
//! against a target, signals. The answers are judged by [`crate::verdict`].

pub mod client;
mod live_fuzz;
pub mod prepare;
mod progress;
mod raw;
pub mod runner;
mod sending;
pub mod signals;
mod sweep;

/// Why a case could not be sent: its client, its URL, its credentials or the request itself.
/// The case is then errored with this reason (never judged).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The path and the base URL do not make a URL.
    #[error("{0}")]
    Url(String),
    /// The case's client could not be built (CA file, client certificate).
    #[error("{0}")]
    Client(String),
    /// The request failed on the wire: refused, reset, timed out, TLS.
    #[error("{0}")]
    Request(String),
    /// The case needs something the run does not have (the TLS lab, the mock issuer).
    #[error("{0}")]
    Missing(&'static str),
    #[error(transparent)]
    Provision(#[from] crate::provision::ProvisionError),
    #[error(transparent)]
    Jwt(#[from] crate::jwt::JwtError),
    #[error(transparent)]
    Issuer(#[from] crate::issuer::IssuerError),
}
