//! CrateDB's HTTP authentication (`docs/spec/cratedb.md`): host-based rules ordered by key as
//! strings, first match wins; methods trust, password (PBKDF2-HMAC-SHA512) and cert; 401 answers in
//! plain text with a Basic challenge. Configured from `NAME=value` settings.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use super::flaws::{Flaw, Flaws};
use super::jwks::{CachePolicy, JwksSource};
use super::jwt_check::{Policy, RSA_ONLY, verify};
use super::tls::ClientCertName;
use super::wire::{header_text, json};
use crate::authn::pbkdf2_record::{DEFAULT_ITERATIONS, Pbkdf2Record};
use crate::duration::unix_now;

const DEFAULT_USER: &str = "crate";
const CHALLENGE: &str = "Basic realm=\"CrateDB Authenticator\"";

/// One `auth.host_based.config.<key>` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Entry {
    user: Option<String>,
    address: Option<String>,
    method: Option<String>,
    protocol: Option<String>,
    ssl: Option<String>,
}

/// `CREATE USER … WITH (jwt = {"iss": …, "username": …, "aud": …})`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct JwtProps {
    iss: String,
    username: String,
    aud: Option<String>,
}

/// Without `auth.host_based.jwt.aud` or a user's `aud`, tokens are for the cluster.
const CLUSTER_ID: &str = "authconform-cluster-id";

pub struct CrateDb {
    hba_enabled: bool,
    flaws: Flaws,
    /// User → JWT properties.
    jwt_users: BTreeMap<String, JwtProps>,
    /// `auth.host_based.jwt.iss` and `.aud`.
    jwt_iss: Option<String>,
    jwt_aud: Option<String>,
    /// One key source per issuer, made on first use.
    jwks: Mutex<BTreeMap<String, Arc<JwksSource>>>,
    /// Entries in key order, keys compared as strings.
    entries: Vec<(String, Entry)>,
    /// User → password record (`None`: a user without a password).
    users: BTreeMap<String, Option<Pbkdf2Record>>,
    dummy: Pbkdf2Record,
}

impl CrateDb {
    pub fn from_settings(text: &str, flaws: &Flaws) -> Result<CrateDb, String> {
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        let mut users = BTreeMap::new();
        users.insert(DEFAULT_USER.to_owned(), None);
        let mut hba_enabled = false;
        let mut jwt_users: BTreeMap<String, JwtProps> = BTreeMap::new();
        let (mut jwt_iss, mut jwt_aud) = (None, None);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| format!("setting without `=`: {line:?}"))?;
            if key == "auth.host_based.enabled" {
                hba_enabled = value.eq_ignore_ascii_case("true");
            } else if key == "auth.host_based.jwt.iss" {
                jwt_iss = Some(value.to_owned());
            } else if key == "auth.host_based.jwt.aud" {
                jwt_aud = Some(value.to_owned());
            } else if let Some((user, field)) = key
                .strip_prefix("users.")
                .and_then(|r| r.split_once(".jwt."))
            {
                let props = jwt_users.entry(user.to_owned()).or_default();
                match field {
                    "iss" => props.iss = value.to_owned(),
                    "username" => props.username = value.to_owned(),
                    "aud" => props.aud = Some(value.to_owned()),
                    other => {
                        return Err(format!("unknown jwt property {other:?} of user {user:?}"));
                    }
                }
                users.entry(user.to_owned()).or_insert(None);
            } else if let Some(rest) = key.strip_prefix("auth.host_based.config.") {
                let (entry_key, field) = rest
                    .rsplit_once('.')
                    .ok_or_else(|| format!("bad entry setting {key:?}"))?;
                let entry = entries.entry(entry_key.to_owned()).or_default();
                let slot = match field {
                    "user" => &mut entry.user,
                    "address" => &mut entry.address,
                    "method" => &mut entry.method,
                    "protocol" => &mut entry.protocol,
                    "ssl" => &mut entry.ssl,
                    other => return Err(format!("unknown host-based entry field {other:?}")),
                };
                *slot = Some(value.to_owned());
            } else if let Some(user) = key
                .strip_prefix("users.")
                .and_then(|r| r.strip_suffix(".password"))
            {
                let record = if value.is_empty() {
                    None
                } else {
                    Some(Pbkdf2Record::parse(value).map_err(|e| format!("user {user:?}: {e}"))?)
                };
                users.insert(user.to_owned(), record);
            } else {
                return Err(format!("unknown setting {key:?}"));
            }
        }
        for (key, entry) in &entries {
            if entry.method.as_deref() == Some("jwt") && entry.protocol.as_deref() != Some("http") {
                return Err(format!("entry {key}: method jwt requires protocol http"));
            }
        }
        let dummy = Pbkdf2Record::derive(b"authconform dummy", &[0u8; 32], DEFAULT_ITERATIONS);
        if let Some((user, _)) = jwt_users
            .iter()
            .find(|(_, p)| p.iss.is_empty() || p.username.is_empty())
        {
            return Err(format!(
                "user {user:?}: jwt properties need iss and username"
            ));
        }
        Ok(CrateDb {
            hba_enabled,
            jwt_users,
            jwt_iss,
            jwt_aud,
            jwks: Mutex::new(BTreeMap::new()),
            entries: if flaws.has(Flaw::HbaNumericOrder) {
                let mut numeric: Vec<_> = entries.into_iter().collect();
                numeric.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
                numeric
            } else {
                entries.into_iter().collect()
            },
            flaws: flaws.clone(),
            users,
            dummy,
        })
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }

    fn first_match(&self, user: &str, ip: IpAddr, tls: bool) -> Option<&Entry> {
        self.entries.iter().map(|(_, e)| e).find(|e| {
            let ssl_ok = match e.ssl.as_deref() {
                Some("on") => tls,
                Some("off") => !tls,
                _ => true,
            };
            e.user.as_deref().is_none_or(|u| u == user)
                && e.address.as_deref().is_none_or(|a| address_matches(a, ip))
                && e.protocol.as_deref().is_none_or(|p| p == "http")
                && ssl_ok
        })
    }

    /// The user a token authenticates, or why not (`Err(None)`: no such user).
    async fn jwt_user(&self, token: &str, user: &str) -> Result<(), Option<String>> {
        let unverified = crate::authn::jws::parse_compact(token)
            .ok()
            .and_then(|j| j.claims())
            .unwrap_or_default();
        let token_iss = unverified
            .get("iss")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let props = match &self.jwt_iss {
            Some(_) => self.jwt_users.get(user),
            None => self
                .jwt_users
                .get(user)
                .filter(|p| p.iss == token_iss && p.username == user),
        }
        .ok_or(None)?;
        let iss = self.jwt_iss.clone().unwrap_or_else(|| props.iss.clone());
        let audience = props
            .aud
            .clone()
            .or_else(|| self.jwt_aud.clone())
            .unwrap_or_else(|| CLUSTER_ID.to_owned());
        let keys = self.jwks_for(&iss).map_err(Some)?;
        let policy = Policy {
            issuer: iss,
            algorithms: RSA_ONLY.to_vec(),
            require_kid: true,
            alg_from_jwk: true,
            require_exp: false,
            nbf_grace: 0,
            refuse_future_iat: true,
            require_iat: false,
            flaws: self.flaws.clone(),
        };
        verify(token, &policy, Some(&audience), &keys, unix_now())
            .await
            .map(|_| ())
            .map_err(Some)
    }

    /// The key source of an issuer: `<iss>/.well-known/jwks.json`, `https://` when iss has no scheme.
    fn jwks_for(&self, iss: &str) -> Result<Arc<JwksSource>, String> {
        let mut sources = self.jwks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(source) = sources.get(iss) {
            return Ok(source.clone());
        }
        let base = if iss.contains("://") {
            iss.trim_end_matches('/').to_owned()
        } else {
            format!("https://{}", iss.trim_end_matches('/'))
        };
        let source = Arc::new(JwksSource::new(
            format!("{base}/.well-known/jwks.json"),
            if self.flaws.has(Flaw::JwksNeverRefetched) {
                CachePolicy::Forever
            } else {
                CachePolicy::MaxAgeOnly
            },
        )?);
        sources.insert(iss.to_owned(), source.clone());
        Ok(source)
    }

    /// Verifies in time that does not depend on whether the user exists or has a password.
    fn password_ok(&self, user: &str, password: Option<&str>) -> bool {
        let record = self.users.get(user).and_then(Option::as_ref);
        let checked = record
            .unwrap_or(&self.dummy)
            .verify(password.unwrap_or_default().as_bytes());
        record.is_some() && password.is_some_and(|p| !p.is_empty()) && checked
    }
}

/// `_local_`, a CIDR block, or an exact address. Host names do not resolve here.
fn address_matches(pattern: &str, ip: IpAddr) -> bool {
    if pattern == "_local_" || pattern == "localhost" {
        return ip.is_loopback();
    }
    let (net, bits) = match pattern.split_once('/') {
        Some((net, bits)) => (net, bits.parse::<u32>().ok()),
        None => (pattern, None),
    };
    match (net.parse::<IpAddr>(), ip) {
        (Ok(IpAddr::V4(net)), IpAddr::V4(ip)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(net) & mask == u32::from(ip) & mask
        }
        (Ok(IpAddr::V6(net)), IpAddr::V6(ip)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(net) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

fn unauthorized(message: String) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, format!("{message}\n")).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=UTF-8"),
    );
    headers.insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(CHALLENGE),
    );
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A malformed header escapes CrateDB's handler and is answered 500 with its message (derived).
fn internal(message: &str) -> Response {
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, message.to_owned()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=UTF-8"),
    );
    response
}

/// The user and password a request names (`protocols/http/Headers.java`): from `Authorization`,
/// else the client certificate's CN, else the default user.
fn credentials(
    request: &Request,
    cn: Option<&str>,
) -> Result<(String, Option<String>), &'static str> {
    let Some(value) = header_text(request.headers(), "authorization") else {
        return Ok((cn.unwrap_or(DEFAULT_USER).to_owned(), None));
    };
    let scheme_is = |s: &str| {
        value.len() > s.len()
            && value[..s.len()].eq_ignore_ascii_case(s)
            && value.as_bytes()[s.len()] == b' '
    };
    if scheme_is("basic") {
        // java.util.Base64's basic decoder: padding optional, any other character an error.
        let encoded = value[6..].trim().trim_end_matches('=');
        let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(encoded)
            .map_err(|_| "Illegal base64 character")?;
        let text = String::from_utf8_lossy(&decoded).into_owned();
        return Ok(match text.split_once(':') {
            Some((user, password)) => (
                user.to_owned(),
                Some(password.to_owned()).filter(|p| !p.is_empty()),
            ),
            None => (text, None),
        });
    }
    if scheme_is("bearer") {
        let token = value[7..].trim();
        let jws = crate::authn::jws::parse_compact(token)
            .map_err(|_| "The JWT token must contain a public key id (kid)")?;
        if !jws.header.contains_key("kid") {
            return Err("The JWT token must contain a public key id (kid)");
        }
        let username = jws.claims().and_then(|c| {
            c.get("username")
                .and_then(|u| u.as_str())
                .map(str::to_owned)
        });
        return username
            .map(|u| (u, None))
            .ok_or("The JWT token must contain a username claim");
    }
    Err("Only basic or bearer HTTP Authentication schemes are allowed.")
}

fn bearer_token(request: &Request) -> Option<String> {
    let value = header_text(request.headers(), "authorization")?;
    (value.len() > 7 && value[..7].eq_ignore_ascii_case("bearer "))
        .then(|| value[7..].trim().to_owned())
}

async fn handle(
    State(server): State<Arc<CrateDb>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    cert: Option<Extension<ClientCertName>>,
    request: Request,
) -> Response {
    let tls = cert.is_some();
    let cn = cert.and_then(|Extension(ClientCertName(cn))| cn);
    let (user, password) = match credentials(&request, cn.as_deref()) {
        Ok(c) => c,
        Err(message) => return internal(message),
    };
    if server.hba_enabled {
        let ip = peer.ip();
        let Some(entry) = server.first_match(&user, ip, tls) else {
            return unauthorized(format!(
                "No valid auth.host_based.config entry found for host \"{ip}\", user \"{user}\", protocol \"http\". Did you enable TLS in your client?"
            ));
        };
        let flaw = |f| server.flaws.has(f);
        let known = server.users.get(&user).is_some_and(Option::is_some);
        let ok = match entry.method.as_deref().unwrap_or("trust") {
            "trust" => server.users.contains_key(&user),
            "password" if flaw(Flaw::TrustWherePassword) => server.users.contains_key(&user),
            "password" if flaw(Flaw::AnyPasswordForKnownUser) && known => true,
            "password"
                if flaw(Flaw::EmptyPasswordAccepted)
                    && known
                    && password.as_deref().unwrap_or_default().is_empty() =>
            {
                true
            }
            "password" if flaw(Flaw::UnknownUserFast) && !server.users.contains_key(&user) => false,
            "password" if flaw(Flaw::UnknownUserDistinct) && !server.users.contains_key(&user) => {
                return unauthorized(format!("user \"{user}\" does not exist"));
            }
            "password" => {
                // PBKDF2 at 40,000 iterations off the async workers, so it cannot stall them.
                let (db, name, given) = (server.clone(), user.clone(), password.clone());
                tokio::task::spawn_blocking(move || db.password_ok(&name, given.as_deref()))
                    .await
                    .unwrap_or(false)
            }
            "jwt" => {
                let token = bearer_token(&request).unwrap_or_default();
                match server.jwt_user(&token, &user).await {
                    Ok(()) => true,
                    Err(None) => false,
                    Err(Some(reason)) => {
                        return unauthorized(format!(
                            "jwt authentication failed for user {user}. Reason: {reason}"
                        ));
                    }
                }
            }
            "cert" => match cn.as_deref() {
                Some(cn)
                    if server.users.contains_key(&user)
                        && cn != user
                        && !flaw(Flaw::CertCnIgnored) =>
                {
                    return unauthorized(format!(
                        "Common name \"{cn}\" in client certificate doesn't match username \"{user}\""
                    ));
                }
                Some(_) => server.users.contains_key(&user),
                None => false,
            },
            _ => false,
        };
        if !ok {
            let method = entry.method.as_deref().unwrap_or("trust");
            return unauthorized(match method {
                "trust" => format!("trust authentication failed for user \"{user}\""),
                "password" => format!("password authentication failed for user \"{user}\""),
                "cert" => format!("Client certificate authentication failed for user \"{user}\""),
                "jwt" => format!("jwt authentication failed for user \"{user}\""),
                other => format!("{other} authentication failed for user \"{user}\""),
            });
        }
    }
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => json(StatusCode::OK, json!({"ok": true, "status": 200, "name": "authconform", "cluster_name": "crate", "version": {"number": "5.10.0"}}).to_string()),
        (&Method::POST, "/_sql") => json(StatusCode::OK, json!({"cols": ["current_user"], "rows": [[user]], "rowcount": 1, "duration": 0.1}).to_string()),
        _ => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_sort_by_key_as_strings() {
        let db = CrateDb::from_settings("auth.host_based.enabled=true\nauth.host_based.config.2.method=trust\nauth.host_based.config.10.method=password\n", &Flaws::default()).unwrap();
        let keys: Vec<&str> = db.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["10", "2"]);
        assert_eq!(
            db.first_match("any", "127.0.0.1".parse().unwrap(), false)
                .unwrap()
                .method
                .as_deref(),
            Some("password")
        );
    }

    #[test]
    fn addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(address_matches("_local_", ip("127.0.0.1")));
        assert!(address_matches("127.0.0.0/8", ip("127.1.2.3")));
        assert!(!address_matches("10.0.0.0/8", ip("127.0.0.1")));
        assert!(address_matches("127.0.0.1", ip("127.0.0.1")));
        assert!(address_matches("0.0.0.0/0", ip("8.8.8.8")));
        assert!(!address_matches("example.com", ip("127.0.0.1")));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(
            CrateDb::from_settings("auth.host_based.config.0.mehtod=trust", &Flaws::default())
                .is_err()
        );
        assert!(
            CrateDb::from_settings("auth.host_based.config.0.method=jwt", &Flaws::default())
                .is_err()
        );
        assert!(CrateDb::from_settings("users.alice.password=plain", &Flaws::default()).is_err());
        assert!(CrateDb::from_settings("nonsense", &Flaws::default()).is_err());
    }
}
