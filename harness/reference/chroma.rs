//! Chroma 0.6.3's Python server, as far as authentication shows (`docs/spec/chroma.md`):
//! routing first (404, 405), then the auth provider on protected routes, then the handler.

/// The mode with SimpleRBAC on top of the token users file.
pub const RBAC_MODE: &str = "token-rbac";

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::flaws::{Flaw, Flaws};
use super::wire::{header_text, json};
use crate::authn::authorization::{
    BasicOptions, BearerOptions, TokenCharset, parse_basic, parse_bearer, parse_raw_token,
};
use crate::authn::{Htpasswd, ct_eq};
use sha2::{Digest, Sha256};

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

pub enum Authn {
    Basic(Htpasswd),
    Token {
        header: TokenHeader,
        tokens: Vec<(String, Identity)>,
    },
}

impl std::fmt::Debug for Authn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Authn::Basic(file) => f.debug_tuple("Basic").field(file).finish(),
            Authn::Token { header, tokens } => f
                .debug_struct("Token")
                .field("header", header)
                .field(
                    "users",
                    &tokens.iter().map(|(_, id)| &id.user_id).collect::<Vec<_>>(),
                )
                .finish(),
        }
    }
}

#[derive(Deserialize)]
struct UsersFile {
    users: Vec<UserEntry>,
    #[serde(default)]
    roles_mapping: Option<std::collections::BTreeMap<String, RoleEntry>>,
}

#[derive(Deserialize)]
struct RoleEntry {
    actions: Vec<String>,
}

#[derive(Deserialize)]
struct UserEntry {
    id: String,
    #[serde(default)]
    tokens: Vec<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    databases: Option<Vec<String>>,
}

impl Authn {
    /// The Basic provider, from the content of `CHROMA_SERVER_AUTHN_CREDENTIALS(_FILE)`.
    pub fn basic(credentials: &str) -> Result<Authn, String> {
        Htpasswd::parse(credentials)
            .map(Authn::Basic)
            .map_err(|e| format!("htpasswd: {e}"))
    }

    /// The token provider: one non-empty line is a single token held by `anonymous`; more lines are
    /// a users file (`users: [{id, tokens, tenant?, databases?}]`).
    pub fn token(credentials: &str, header: TokenHeader) -> Result<Authn, String> {
        let lines: Vec<&str> = credentials.split('\n').filter(|l| !l.is_empty()).collect();
        if let [single] = lines.as_slice() {
            let identity = Identity {
                user_id: "anonymous".into(),
                tenant: Some("*".into()),
                databases: Some(vec!["*".into()]),
            };
            return Ok(Authn::Token {
                header,
                tokens: vec![((*single).to_owned(), identity)],
            });
        }
        let file: UsersFile = serde_saphyr::from_str(credentials)
            .map_err(|e| format!("token users file: {}", e.without_snippet()))?;
        let mut tokens: Vec<(String, Identity)> = Vec::new();
        for user in file.users {
            let identity = Identity {
                user_id: user.id.clone(),
                tenant: Some(user.tenant.unwrap_or_else(|| "*".into())),
                databases: Some(user.databases.unwrap_or_else(|| vec!["*".into()])),
            };
            for token in user.tokens {
                if parse_raw_token(&token, TokenCharset::AsciiPrintableNoSpace)
                    != Ok(token.as_str())
                {
                    return Err(format!(
                        "token of user {:?} has characters Chroma refuses",
                        user.id
                    ));
                }
                if let Some((_, other)) = tokens.iter().find(|(t, _)| *t == token)
                    && other.user_id != user.id
                {
                    return Err(format!(
                        "a token of user {:?} is already used by {:?}",
                        user.id, other.user_id
                    ));
                }
                tokens.push((token, identity.clone()));
            }
        }
        Ok(Authn::Token { header, tokens })
    }

    /// The identity behind the request's credentials, or `None` (the caller answers 403).
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<Identity> {
        match self {
            Authn::Basic(file) => {
                let value = header_text(headers, "authorization")?;
                let creds = parse_basic(&value, BasicOptions::CHROMA).ok()?;
                let valid = file.verify(creds.user(), creds.password());
                valid.then_some(Identity {
                    user_id: creds.user().to_owned(),
                    tenant: None,
                    databases: None,
                })
            }
            Authn::Token { header, tokens } => {
                let token = match header {
                    TokenHeader::Authorization => {
                        let value = header_text(headers, "authorization")?;
                        parse_bearer(&value, BearerOptions::CHROMA).ok()?.to_owned()
                    }
                    TokenHeader::XChromaToken => {
                        let value = header_text(headers, "x-chroma-token")?;
                        parse_raw_token(&value, TokenCharset::AsciiPrintableNoSpace)
                            .ok()?
                            .to_owned()
                    }
                };
                // Compare against every token so the time taken does not say which one was close.
                let mut found = None;
                for (known, identity) in tokens {
                    if ct_eq(known.as_bytes(), token.as_bytes()) && found.is_none() {
                        found = Some(identity.clone());
                    }
                }
                found
            }
        }
    }
}

/// SimpleRBAC (`CHROMA_SERVER_AUTHZ_CONFIG_FILE`): each user's actions, through its role. Only
/// user → action: resources are not checked.
#[derive(Debug, Clone, Default)]
pub struct Authz {
    permissions: std::collections::HashMap<String, std::collections::HashSet<String>>,
}

impl Authz {
    /// From `roles_mapping: {role: {actions}}` and `users: [{id, role}]`; like Chroma's start-up,
    /// a user without a role or with a role the mapping lacks is an error.
    pub fn parse(config: &str) -> Result<Authz, String> {
        let file: UsersFile = serde_saphyr::from_str(config)
            .map_err(|e| format!("authorization config: {}", e.without_snippet()))?;
        let roles = file
            .roles_mapping
            .ok_or("authorization config: no `roles_mapping`")?;
        let mut permissions = std::collections::HashMap::new();
        for user in file.users {
            let role = user
                .role
                .ok_or_else(|| format!("authorization config: user {:?} has no role", user.id))?;
            let entry = roles.get(&role).ok_or_else(|| {
                format!("authorization config: role {role:?} is not in `roles_mapping`")
            })?;
            permissions.insert(user.id, entry.actions.iter().cloned().collect());
        }
        Ok(Authz { permissions })
    }

    fn allows(&self, user: &str, action: &str) -> bool {
        self.permissions
            .get(user)
            .is_some_and(|actions| actions.contains(action))
    }
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
    collections: AtomicUsize,
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
            collections: AtomicUsize::new(0),
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Heartbeat,
    Version,
    PreFlight,
    Identity,
    Tenant,
    Database,
    Collections,
    CollectionsCount,
    Reset,
    V1Collections,
}

impl Route {
    fn find(path: &str) -> Option<Route> {
        const DB: &str = "/api/v2/tenants/default_tenant/databases/default_database";
        Some(match path {
            "/api/v1" | "/api/v2" | "/api/v1/heartbeat" | "/api/v2/heartbeat" => Route::Heartbeat,
            "/api/v1/version" | "/api/v2/version" => Route::Version,
            "/api/v2/pre-flight-checks" => Route::PreFlight,
            "/api/v2/auth/identity" => Route::Identity,
            "/api/v2/tenants/default_tenant" => Route::Tenant,
            "/api/v1/collections" => Route::V1Collections,
            "/api/v2/reset" => Route::Reset,
            _ => match path.strip_prefix(DB) {
                Some("") => Route::Database,
                Some("/collections") => Route::Collections,
                Some("/collections_count") => Route::CollectionsCount,
                _ => return None,
            },
        })
    }

    fn methods(self) -> &'static [Method] {
        match self {
            Route::Collections => &[Method::GET, Method::POST],
            Route::Reset => &[Method::POST],
            _ => &[Method::GET],
        }
    }

    /// The SimpleRBAC action a request on the route needs; identity needs none.
    fn action(self, method: &Method) -> Option<&'static str> {
        Some(match self {
            Route::Tenant => "tenant:get_tenant",
            Route::Database => "db:get_database",
            Route::Collections if method == Method::POST => "db:create_collection",
            Route::Collections => "db:list_collections",
            Route::CollectionsCount => "db:count_collections",
            Route::Reset => "system:reset",
            _ => return None,
        })
    }

    fn public(self) -> bool {
        matches!(
            self,
            Route::Heartbeat | Route::Version | Route::PreFlight | Route::V1Collections
        )
    }
}

async fn handle(State(server): State<Arc<Chroma>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    let Some(route) = Route::find(&path) else {
        return json(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#.into());
    };
    if !route.methods().contains(&method) {
        let mut response = json(
            StatusCode::METHOD_NOT_ALLOWED,
            r#"{"detail":"Method Not Allowed"}"#.into(),
        );
        let allow: Vec<&str> = route.methods().iter().map(Method::as_str).collect();
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    let public = match route {
        Route::Heartbeat if server.flaws.has(Flaw::PublicProtected) => false,
        _ => route.public(),
    };
    let identity = if public {
        None
    } else {
        match server.authenticate(request.headers()).await {
            Ok(identity) => Some(identity),
            Err(_) if server.flaws.has(Flaw::ProtectedLeftPublic) => Some(Identity {
                user_id: "anonymous".into(),
                tenant: Some("*".into()),
                databases: Some(vec!["*".into()]),
            }),
            Err(Refusal::Malformed) if server.flaws.has(Flaw::MalformedHeader500) => {
                return json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error":"InternalError"}"#.into(),
                );
            }
            Err(Refusal::UnknownUser) if server.flaws.has(Flaw::UnknownUserDistinct) => {
                return json(
                    StatusCode::UNAUTHORIZED,
                    r#"{"error":"AuthError","message":"No such user"}"#.into(),
                );
            }
            Err(_) if server.flaws.has(Flaw::EchoesCredentials) => {
                let given = header_text(request.headers(), "authorization")
                    .or_else(|| header_text(request.headers(), "x-chroma-token"))
                    .unwrap_or_default();
                return json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"error": "AuthError", "message": format!("Forbidden: {given}")})
                        .to_string(),
                );
            }
            Err(_) => return forbidden().await,
        }
    };
    if let (Some(authz), Some(id), Some(action)) = (&server.authz, &identity, route.action(&method))
        && !authz.allows(&id.user_id, action)
        && !server.flaws.has(Flaw::RbacIgnored)
    {
        return json(StatusCode::FORBIDDEN, r#"{"detail":"Forbidden"}"#.into());
    }
    answer(&server, route, &method, identity)
}

/// Why a request was not authenticated; Chroma answers every one alike (403).
enum Refusal {
    Forbidden,
    UnknownUser,
    Malformed,
}

/// The raw token of one transport.
fn token_in(headers: &HeaderMap, header: TokenHeader) -> Option<String> {
    match header {
        TokenHeader::Authorization => {
            let value = header_text(headers, "authorization")?;
            parse_bearer(&value, BearerOptions::CHROMA)
                .ok()
                .map(str::to_owned)
        }
        TokenHeader::XChromaToken => header_text(headers, "x-chroma-token"),
    }
}

/// Chroma's answer to every authentication failure, after its 1–5 ms jitter.
async fn forbidden() -> Response {
    let mut byte = [0u8; 1];
    let jitter = if getrandom::fill(&mut byte).is_ok() {
        u64::from(byte[0]) * 4000 / 255
    } else {
        2000
    };
    tokio::time::sleep(Duration::from_micros(1000 + jitter)).await;
    json(
        StatusCode::FORBIDDEN,
        r#"{"error":"AuthError","message":"Forbidden"}"#.into(),
    )
}

fn answer(server: &Chroma, route: Route, method: &Method, identity: Option<Identity>) -> Response {
    let ok = |value: serde_json::Value| json(StatusCode::OK, value.to_string());
    match route {
        Route::Heartbeat => {
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            ok(json!({"nanosecond heartbeat": nanos as u64}))
        }
        Route::Version => ok(json!(VERSION)),
        Route::PreFlight => ok(json!({"max_batch_size": MAX_BATCH_SIZE})),
        Route::Identity => {
            let id = identity.expect("identity is a protected route");
            ok(json!({"user_id": id.user_id, "tenant": id.tenant, "databases": id.databases, "attributes": null}))
        }
        Route::Tenant => ok(json!({"name": "default_tenant"})),
        Route::Database => ok(json!({"id": "00000000-0000-0000-0000-000000000000", "name": "default_database", "tenant": "default_tenant"})),
        Route::Collections if method == Method::POST => {
            server.collections.store(1, Ordering::Relaxed);
            ok(json!({"id": "00000000-0000-0000-0000-00000000ac01", "name": "authconform", "metadata": null, "dimension": null, "tenant": "default_tenant", "database": "default_database", "version": 0, "log_position": 0}))
        }
        Route::Collections => {
            let list: Vec<serde_json::Value> = (0..server.collections.load(Ordering::Relaxed))
                .map(|_| json!({"id": "00000000-0000-0000-0000-00000000ac01", "name": "authconform"}))
                .collect();
            ok(json!(list))
        }
        Route::CollectionsCount => ok(json!(server.collections.load(Ordering::Relaxed))),
        Route::Reset => json(
            StatusCode::BAD_REQUEST,
            json!({"error": "InvalidArgumentError", "message": "Resetting is not allowed by this configuration (to enable it, set `allow_reset` to `True` in your Settings() or include `ALLOW_RESET=TRUE` in your environment variables)"}).to_string(),
        ),
        // 0.6.3 fails on this path before authentication, whatever the credentials (observed).
        Route::V1Collections => json(
            StatusCode::BAD_REQUEST,
            json!({"error": "InvalidArgumentError", "message": "cannot unpack non-iterable coroutine object"}).to_string(),
        ),
    }
}
