//! Chroma 0.6.3's Python server, as far as authentication shows (`docs/spec/chroma.md`):
//! routing first (404, 405), then the auth provider on protected routes, then the handler.

/// The mode with SimpleRBAC on top of the token users file.
pub const RBAC_MODE: &str = "token-rbac";

use std::sync::Arc;

use axum::Router;
use axum::http::HeaderMap;

use crate::authn::authorization::{BasicOptions, parse_basic};
use crate::flaws::{Flaw, Flaws};
use crate::wire::header_text;
use sha2::{Digest, Sha256};

mod authn;
mod routes;
mod store;

pub use authn::{Authn, Authz};
use authn::{Refusal, token_in};
use routes::handle;

pub const VERSION: &str = "0.6.3";
const MAX_BATCH_SIZE: u64 = 41666;

/// Who a valid credential belongs to, as `/api/v2/auth/identity` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub tenant: Option<String>,
    pub databases: Option<Vec<String>>,
}

/// `CHROMA_AUTH_TOKEN_TRANSPORT_HEADER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHeader {
    Authorization,
    XChromaToken,
}

/// Successful Basic logins remembered at once (SHA-256 of user and password); the set starts over
/// when full.
const VERIFIED_CAPACITY: usize = 4096;

pub struct Chroma {
    authn: Authn,
    authz: Option<Authz>,
    flaws: Flaws,
    verified: std::sync::Mutex<std::collections::HashSet<[u8; 32]>>,
    hashing: tokio::sync::Semaphore,
    /// The collections the data routes work on.
    store: std::sync::Mutex<store::Store>,
}

impl Chroma {
    pub fn new(authn: Authn) -> Chroma {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Chroma {
            authn,
            authz: None,
            flaws: Flaws::default(),
            verified: std::sync::Mutex::new(std::collections::HashSet::new()),
            hashing: tokio::sync::Semaphore::new(cpus),
            store: std::sync::Mutex::new(store::Store::default()),
        }
    }

    pub fn with_authz(mut self, authz: Authz) -> Chroma {
        self.authz = Some(authz);
        self
    }

    pub fn with_flaws(mut self, flaws: &Flaws) -> Chroma {
        self.flaws = flaws.clone();
        self
    }

    /// Basic credentials are hashed off the async workers, at most one per CPU at a time, and a
    /// success is remembered (bounded): a flood of valid logins costs one bcrypt each, not one per
    /// request, and a flood of invalid ones cannot starve the public endpoints.
    async fn authenticate(self: &Arc<Self>, headers: &HeaderMap) -> Result<Identity, Refusal> {
        let file = match &self.authn {
            Authn::Basic(file) => file,
            Authn::Token { header, tokens } => {
                return self.token_identity(headers, *header, tokens);
            }
        };
        let value = header_text(headers, "authorization").ok_or(Refusal::Forbidden)?;
        let creds = parse_basic(&value, BasicOptions::CHROMA).map_err(|_| Refusal::Malformed)?;
        let known = file.contains(creds.user());
        let flaw = |f| self.flaws.has(f);
        if !known && (flaw(Flaw::UnknownUserFast) || flaw(Flaw::UnknownUserDistinct)) {
            return Err(Refusal::UnknownUser);
        }
        let identity = Identity {
            user_id: creds.user().to_owned(),
            tenant: None,
            databases: None,
        };
        if known
            && (flaw(Flaw::AnyPasswordForKnownUser)
                || (flaw(Flaw::EmptyPasswordAccepted) && creds.password().is_empty()))
        {
            return Ok(identity);
        }
        let mut digest = Sha256::new();
        digest.update(creds.user().as_bytes());
        digest.update([0u8]);
        digest.update(creds.password().as_bytes());
        let key: [u8; 32] = digest.finalize().into();
        if self.verified_recently(&key) {
            return Ok(identity);
        }
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(|_| Refusal::Forbidden)?;
        let (server, headers) = (self.clone(), headers.clone());
        let verified = tokio::task::spawn_blocking(move || server.authn.authenticate(&headers))
            .await
            .ok()
            .flatten()
            .ok_or(Refusal::Forbidden)?;
        self.remember(key);
        Ok(verified)
    }

    /// The token provider, compared in constant time against every token, unless a flaw says
    /// otherwise.
    fn token_identity(
        &self,
        headers: &HeaderMap,
        header: TokenHeader,
        tokens: &[(String, Identity)],
    ) -> Result<Identity, Refusal> {
        let flaw = |f| self.flaws.has(f);
        if !flaw(Flaw::TokenPrefixMatch)
            && !flaw(Flaw::TokenCaseInsensitive)
            && !flaw(Flaw::TokenWrongTransport)
        {
            return self.authn.authenticate(headers).ok_or(Refusal::Forbidden);
        }
        let mut given = vec![token_in(headers, header)];
        if flaw(Flaw::TokenWrongTransport) {
            let other = match header {
                TokenHeader::Authorization => TokenHeader::XChromaToken,
                TokenHeader::XChromaToken => TokenHeader::Authorization,
            };
            given.push(token_in(headers, other));
        }
        let matches = |known: &str, token: &str| {
            known == token
                || (flaw(Flaw::TokenPrefixMatch)
                    && token.len() * 2 >= known.len()
                    && known.starts_with(token))
                || (flaw(Flaw::TokenCaseInsensitive) && known.eq_ignore_ascii_case(token))
        };
        given
            .into_iter()
            .flatten()
            .find_map(|token| {
                tokens
                    .iter()
                    .find(|(known, _)| matches(known, &token))
                    .map(|(_, id)| id.clone())
            })
            .ok_or(Refusal::Forbidden)
    }

    fn verified_recently(&self, key: &[u8; 32]) -> bool {
        self.verified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(key)
    }

    fn remember(&self, key: [u8; 32]) {
        let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if verified.len() >= VERIFIED_CAPACITY {
            verified.clear();
        }
        verified.insert(key);
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }
}
