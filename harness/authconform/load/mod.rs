//! `authconform load`: many connections, valid and invalid credentials, for a bounded time.

pub mod driver;
pub mod mix;
pub mod run;
pub mod summary;

/// Why a load run has no credentials to send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoLoadCredentials(pub String);
