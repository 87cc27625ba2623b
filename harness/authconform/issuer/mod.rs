//! The mock OpenID Connect issuer on 127.0.0.1 (one catch-all axum route): discovery, the JWKS, an
//! attacker's JWKS and a token endpoint, answering as its [`state`] says and counting what it is
//! asked.

pub mod state;
pub mod tls_front;
pub mod token;

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use std::collections::BTreeMap;

use crate::duration::unix_now;
use crate::jwt::{ForgeContext, KeyId, KeyRing};
use crate::provision::pki::{ServerCert, TlsLab};
use state::{
    ATTACKER_JWKS_PATH, DISCOVERY_PATH, IssuerChange, IssuerState, JWKS_PATH, TOKEN_PATH, discovery,
};
use tls_front::TlsFront;

struct Shared {
    keys: Arc<KeyRing>,
    state: Mutex<IssuerState>,
    url: OnceLock<String>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, IssuerState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Why the mock issuer, or one of its HTTPS fronts, could not start.
#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    #[error("the mock issuer cannot listen on 127.0.0.1:{port}: {source}")]
    Listen {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("the issuer's TLS front cannot listen: {0}")]
    FrontListen(#[source] std::io::Error),
    #[error("the issuer's TLS front: {0}")]
    FrontTls(#[from] crate::reference::ConfigError),
    #[error(transparent)]
    Keys(#[from] crate::jwt::JwtError),
}

/// A running mock issuer; dropping it stops the server.
pub struct Issuer {
    server: crate::reference::Running,
    shared: Arc<Shared>,
    attacker_jwks_url: String,
    /// HTTPS fronts by the certificate they present, started when a suite asks for one.
    fronts: Mutex<BTreeMap<ServerCert, TlsFront>>,
}

impl Issuer {
    /// Fresh keys (made off the async threads) and the mock issuer on 127.0.0.1:`port` (0: any).
    pub async fn start_with_new_keys(port: u16) -> Result<Issuer, IssuerError> {
        let keys = tokio::task::spawn_blocking(KeyRing::generate)
            .await
            .map_err(|e| crate::jwt::JwtError::Key(format!("key generation stopped: {e}")))??;
        Issuer::start(Arc::new(keys), port).await
    }

    /// Starts on 127.0.0.1:`port` (0: a free port).
    pub async fn start(keys: Arc<KeyRing>, port: u16) -> Result<Issuer, IssuerError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| IssuerError::Listen { port, source })?;
        let shared = Arc::new(Shared {
            keys,
            state: Mutex::new(IssuerState::default()),
            url: OnceLock::new(),
        });
        let app = axum::Router::new()
            .fallback(respond)
            .with_state(shared.clone());
        let server = crate::reference::start_on(app, listener)
            .await
            .map_err(|source| IssuerError::Listen { port, source })?;
        let _ = shared.url.set(server.base_url());
        let attacker_jwks_url = format!("{}{ATTACKER_JWKS_PATH}", server.base_url());
        Ok(Issuer {
            server,
            shared,
            attacker_jwks_url,
            fronts: Mutex::new(BTreeMap::new()),
        })
    }

    /// The issuer identifier (`iss`), e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        self.shared.url.get().map_or("", String::as_str)
    }

    /// The issuer's base URL over HTTPS with `which` certificate of the lab, the front started on
    /// first use (needs a Tokio runtime context).
    pub fn tls_url(&self, which: ServerCert, lab: &TlsLab) -> Result<String, IssuerError> {
        let mut fronts = self
            .fronts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(front) = fronts.get(&which) {
            return Ok(front.url.clone());
        }
        let front = TlsFront::start(lab.pki.server(which), self.server.addr)?;
        let url = front.url.clone();
        fronts.insert(which, front);
        Ok(url)
    }

    pub fn jwks_url(&self) -> String {
        format!("{}{JWKS_PATH}", self.url())
    }

    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.url())
    }

    pub fn attacker_jwks_url(&self) -> &str {
        &self.attacker_jwks_url
    }

    pub fn keys(&self) -> &KeyRing {
        &self.shared.keys
    }

    /// Back to the starting keys, zero counts, then the suite's block: done before each server.
    pub fn reset(&self, mut fresh: IssuerState, suite: &IssuerChange, delay: Option<Duration>) {
        fresh.apply(suite, delay);
        *self.shared.state() = fresh;
    }

    pub fn apply(&self, change: &IssuerChange, delay: Option<Duration>) {
        self.shared.state().apply(change, delay);
    }

    /// How often a counted path (`discovery`, `jwks`, `attacker_jwks`, `token`) was asked for.
    pub fn fetches(&self, name: &str) -> u64 {
        self.shared.state().fetches(name)
    }

    pub fn forge_context(&self, now: i64) -> ForgeContext<'_> {
        ForgeContext {
            keys: self.keys(),
            attacker_jwks_url: &self.attacker_jwks_url,
            now,
        }
    }
}

/// The largest token request body read (a form of a few fields).
const MAX_BODY: usize = 64 * 1024;

/// Every request: counted, answered as the state says, after the state's delay.
async fn respond(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let issuer = shared.url.get().cloned().unwrap_or_default();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let body = if parts.method == axum::http::Method::POST {
        axum::body::to_bytes(body, MAX_BODY)
            .await
            .unwrap_or_default()
    } else {
        Default::default()
    };
    // The state lock is not held across the delay.
    let (answer, delay) = {
        let mut state = shared.state();
        state.count(&path);
        let answer = answer(&shared, &state, &issuer, &parts, &path, &body);
        (answer, state.delay)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    answer
}

fn with_type(status: u16, content_type: &str, body: impl Into<axum::body::Body>) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body.into(),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn answer(
    shared: &Shared,
    state: &IssuerState,
    issuer: &str,
    parts: &axum::http::request::Parts,
    path: &str,
    body: &[u8],
) -> Response {
    let json = |status: u16, body: &serde_json::Value| {
        with_type(status, "application/json", body.to_string())
    };
    match (parts.method.as_str(), path) {
        ("GET", DISCOVERY_PATH) => json(200, &discovery(issuer)),
        ("GET", JWKS_PATH) => {
            let (status, content_type, body) = state.jwks_answer(&shared.keys);
            let mut response = with_type(status, content_type, body);
            if !state.cache_control.is_empty()
                && status == 200
                && let Ok(value) = HeaderValue::from_str(&state.cache_control)
            {
                response.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            response
        }
        ("GET", ATTACKER_JWKS_PATH) => json(200, &shared.keys.jwks(&[KeyId::Attacker])),
        ("POST", TOKEN_PATH) => {
            let authorization = parts
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            let ctx = ForgeContext {
                keys: &shared.keys,
                attacker_jwks_url: "",
                now: unix_now(),
            };
            let (status, body) = token::grant(body, authorization, state, issuer, &ctx);
            let mut response = json(status, &body);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        _ => with_type(404, "text/plain", "not found\n"),
    }
}
