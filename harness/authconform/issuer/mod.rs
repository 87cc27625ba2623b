//! The mock OpenID Connect issuer (wiremock) on 127.0.0.1: discovery, the JWKS, an attacker's JWKS
//! and a token endpoint, answering as its [`state`] says and counting what it is asked.

pub mod state;
pub mod tls_front;
pub mod token;

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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
    server: MockServer,
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
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .map_err(|source| IssuerError::Listen { port, source })?;
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        let shared = Arc::new(Shared {
            keys,
            state: Mutex::new(IssuerState::default()),
            url: OnceLock::new(),
        });
        let _ = shared.url.set(server.uri());
        Mock::given(any())
            .respond_with(Responder(shared.clone()))
            .mount(&server)
            .await;
        let attacker_jwks_url = format!("{}{ATTACKER_JWKS_PATH}", server.uri());
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
        let front = TlsFront::start(lab.pki.server(which), *self.server.address())?;
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

struct Responder(Arc<Shared>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let shared = &self.0;
        let issuer = shared.url.get().cloned().unwrap_or_default();
        let path = request.url.path().to_owned();
        let mut state = shared.state();
        state.count(&path);
        let delay = state.delay;
        let json = |status: u16, body: &serde_json::Value| {
            ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
        };
        let answer = match (request.method.as_str(), path.as_str()) {
            ("GET", DISCOVERY_PATH) => json(200, &discovery(&issuer)),
            ("GET", JWKS_PATH) => {
                let (status, content_type, body) = state.jwks_answer(&shared.keys);
                let mut t = ResponseTemplate::new(status).set_body_raw(body, content_type);
                if !state.cache_control.is_empty() && status == 200 {
                    t = t.insert_header("cache-control", state.cache_control.as_str());
                }
                t
            }
            ("GET", ATTACKER_JWKS_PATH) => json(200, &shared.keys.jwks(&[KeyId::Attacker])),
            ("POST", TOKEN_PATH) => {
                let authorization = request
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok());
                let now = unix_now();
                let ctx = ForgeContext {
                    keys: &shared.keys,
                    attacker_jwks_url: "",
                    now,
                };
                let (status, body) =
                    token::grant(&request.body, authorization, &state, &issuer, &ctx);
                json(status, &body).insert_header("cache-control", "no-store")
            }
            _ => ResponseTemplate::new(404).set_body_raw("not found\n", "text/plain"),
        };
        answer.set_delay(delay)
    }
}
