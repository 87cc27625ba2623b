//! Weaviate's authentication and admin-list authorization (`docs/spec/weaviate.md`), configured
//! from the same environment variables a real Weaviate reads; OIDC with a JWKS URL or by discovery.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::flaws::{Flaw, Flaws};
use super::jwks::{CachePolicy, JwksSource};
use super::jwt_check::{ASYMMETRIC, Policy, RS256_ONLY, verify};
use super::wire::{header_text, json, percent_decode};
use crate::authn::ct_eq;
use crate::duration::unix_now;
use jsonwebtoken::Algorithm;

/// The settings Weaviate reads from its environment, as `NAME=value` lines. `Debug` names the
/// settings and never shows a value (the API keys are among them).
#[derive(Default)]
pub struct Settings {
    values: HashMap<String, String>,
    /// What OIDC discovery found at start-up: the JWKS URL and the advertised algorithms.
    discovered: Option<(String, Vec<Algorithm>)>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.values.keys().collect();
        names.sort();
        f.debug_struct("Settings")
            .field("names", &names)
            .field("discovered", &self.discovered.as_ref().map(|(url, _)| url))
            .finish()
    }
}

impl Settings {
    pub fn parse(text: &str) -> Settings {
        let values = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
            .collect();
        Settings {
            values,
            discovered: None,
        }
    }

    /// Without `AUTHENTICATION_OIDC_JWKS_URL`, Weaviate reads `<issuer>/.well-known/openid-configuration`
    /// at start-up and refuses to start when it cannot.
    pub async fn discover(&mut self) -> Result<(), String> {
        if !self.enabled("AUTHENTICATION_OIDC_ENABLED")
            || self
                .values
                .get("AUTHENTICATION_OIDC_JWKS_URL")
                .is_some_and(|v| !v.is_empty())
        {
            return Ok(());
        }
        let Some(issuer) = self.values.get("AUTHENTICATION_OIDC_ISSUER") else {
            return Ok(());
        };
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let failed = |why: String| {
            format!("OIDC discovery at {url} failed ({why}): Weaviate does not start")
        };
        let client = crate::client_builder()
            .timeout(std::time::Duration::from_secs(2))
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let response = client
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| failed(e.to_string()))?;
        let body = response.bytes().await.map_err(|e| failed(e.to_string()))?;
        let doc: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| failed(e.to_string()))?;
        let jwks_uri = doc["jwks_uri"]
            .as_str()
            .ok_or_else(|| failed("no jwks_uri".into()))?
            .to_owned();
        let algorithms: Vec<Algorithm> = doc["id_token_signing_alg_values_supported"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| serde_json::from_value(a.clone()).ok())
            .filter(|a| ASYMMETRIC.contains(a))
            .collect();
        self.discovered = Some((jwks_uri, algorithms));
        Ok(())
    }

    /// `on`, `enabled`, `1`, `true` in any case (`usecases/config/environment.go`).
    fn enabled(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "on" | "enabled" | "1" | "true"
            )
        })
    }

    /// Split on `,` with no trimming, as Weaviate does.
    fn list(&self, name: &str) -> Vec<String> {
        self.values
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    }
}

pub struct Weaviate {
    anonymous: bool,
    oidc: Option<Oidc>,
    /// SHA-256 of each key, with its user.
    keys: Option<Vec<([u8; 32], String)>>,
    /// The keys themselves, compared only by the flawed key checks.
    plain_keys: Vec<(String, String)>,
    flaws: Flaws,
    adminlist: Option<AdminList>,
}

/// `usecases/auth/authentication/oidc/middleware.go` over go-oidc's verifier.
struct Oidc {
    issuer: String,
    /// `None` when the client id check is skipped.
    client_id: Option<String>,
    username_claim: String,
    algorithms: Vec<Algorithm>,
    keys: JwksSource,
    flaws: Flaws,
}

impl Oidc {
    fn from_settings(settings: &Settings) -> Result<Oidc, String> {
        let get = |name: &str| settings.values.get(name).filter(|v| !v.is_empty()).cloned();
        let issuer =
            get("AUTHENTICATION_OIDC_ISSUER").ok_or("OIDC needs AUTHENTICATION_OIDC_ISSUER")?;
        let username_claim = get("AUTHENTICATION_OIDC_USERNAME_CLAIM")
            .ok_or("OIDC needs AUTHENTICATION_OIDC_USERNAME_CLAIM")?;
        let skip = settings.enabled("AUTHENTICATION_OIDC_SKIP_CLIENT_ID_CHECK");
        let client_id = get("AUTHENTICATION_OIDC_CLIENT_ID");
        if client_id.is_none() && !skip {
            return Err(
                "OIDC needs AUTHENTICATION_OIDC_CLIENT_ID unless the client id check is skipped"
                    .into(),
            );
        }
        // With a JWKS URL go-oidc accepts RS256 only; with discovery, what the issuer advertises.
        let (jwks_url, algorithms) =
            match (get("AUTHENTICATION_OIDC_JWKS_URL"), &settings.discovered) {
                (Some(url), _) => (url, RS256_ONLY.to_vec()),
                (None, Some((url, algs))) => (url.clone(), algs.clone()),
                (None, None) => {
                    return Err(
                        "OIDC needs AUTHENTICATION_OIDC_JWKS_URL or a discovery run at start-up"
                            .into(),
                    );
                }
            };
        Ok(Oidc {
            issuer,
            client_id: if skip { None } else { client_id },
            username_claim,
            algorithms,
            keys: JwksSource::new(jwks_url, CachePolicy::UntilMiss)?,
            flaws: Flaws::default(),
        })
    }

    /// The principal a token names, or the answer refusing it.
    async fn principal(&self, token: &str) -> Result<String, Response> {
        let policy = Policy {
            issuer: self.issuer.clone(),
            algorithms: self.algorithms.clone(),
            require_kid: false,
            alg_from_jwk: false,
            require_exp: true,
            nbf_grace: 300,
            refuse_future_iat: false,
            require_iat: false,
            flaws: self.flaws.clone(),
        };
        let claims = verify(
            token,
            &policy,
            self.client_id.as_deref(),
            &self.keys,
            unix_now(),
        )
        .await
        .map_err(|reason| unauthorized(&format!("unauthorized: {reason}")))?;
        match claims.get(&self.username_claim).and_then(|v| v.as_str()) {
            Some(name) => Ok(name.to_owned()),
            None => Err(json(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"code": 500, "message": format!("oidc: token doesn't contain required claim '{}'", self.username_claim)}).to_string(),
            )),
        }
    }

    /// `/v1/.well-known/openid-configuration`: where clients find the issuer.
    fn configuration(&self) -> serde_json::Value {
        let mut doc = json!({"href": format!("{}/.well-known/openid-configuration", self.issuer.trim_end_matches('/'))});
        if let Some(id) = &self.client_id {
            doc["clientId"] = json!(id);
        }
        doc
    }
}

struct AdminList {
    admins: Vec<String>,
    read_only: Vec<String>,
}

impl Weaviate {
    /// Checks the settings the way Weaviate does at start-up.
    pub fn from_settings(settings: &Settings) -> Result<Weaviate, String> {
        let apikey = settings.enabled("AUTHENTICATION_APIKEY_ENABLED");
        let oidc = settings.enabled("AUTHENTICATION_OIDC_ENABLED");
        let anonymous_set = settings
            .values
            .contains_key("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED");
        // No method configured at all: anonymous access is on.
        let anonymous = settings.enabled("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED")
            || (!anonymous_set && !apikey && !oidc);
        let oidc = if oidc {
            Some(Oidc::from_settings(settings)?)
        } else {
            None
        };
        let mut plain_keys = Vec::new();
        let keys = if apikey {
            let keys = settings.list("AUTHENTICATION_APIKEY_ALLOWED_KEYS");
            let users = settings.list("AUTHENTICATION_APIKEY_USERS");
            if keys.is_empty() || keys.iter().any(String::is_empty) {
                return Err(
                    "AUTHENTICATION_APIKEY_ALLOWED_KEYS needs at least one key and no empty ones"
                        .into(),
                );
            }
            if (1..keys.len()).any(|i| keys[..i].contains(&keys[i])) {
                return Err("AUTHENTICATION_APIKEY_ALLOWED_KEYS has a duplicate key".into());
            }
            if users.is_empty() || (users.len() != 1 && users.len() != keys.len()) {
                return Err(
                    "AUTHENTICATION_APIKEY_USERS needs one user, or as many users as keys".into(),
                );
            }
            let user_of = |i: usize| {
                if users.len() == 1 {
                    users[0].clone()
                } else {
                    users[i].clone()
                }
            };
            plain_keys = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), user_of(i)))
                .collect();
            Some(
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| (Sha256::digest(k.as_bytes()).into(), user_of(i)))
                    .collect(),
            )
        } else {
            None
        };
        let adminlist = if settings.enabled("AUTHORIZATION_ADMINLIST_ENABLED") {
            let admins = settings.list("AUTHORIZATION_ADMINLIST_USERS");
            let read_only = settings.list("AUTHORIZATION_ADMINLIST_READONLY_USERS");
            if let Some(both) = admins.iter().find(|a| read_only.contains(a)) {
                return Err(format!("user {both:?} is both admin and read-only"));
            }
            Some(AdminList { admins, read_only })
        } else {
            None
        };
        Ok(Weaviate {
            anonymous,
            oidc,
            keys,
            plain_keys,
            flaws: Flaws::default(),
            adminlist,
        })
    }

    /// The same server with deliberate bugs (`authconform mutants`).
    pub fn with_flaws(mut self, flaws: &Flaws) -> Result<Weaviate, String> {
        if let Some(oidc) = &mut self.oidc {
            oidc.flaws = flaws.clone();
            if flaws.has(Flaw::JwksNeverRefetched) {
                oidc.keys = JwksSource::new(oidc.keys.url.clone(), CachePolicy::Forever)?;
            }
        }
        self.anonymous |= flaws.has(Flaw::AnonymousAlwaysOn);
        self.flaws = flaws.clone();
        Ok(self)
    }

    /// The user of an API key: SHA-256 digests compared in constant time, or the flawed way when a
    /// key flaw is on.
    fn key_user(&self, keys: &[([u8; 32], String)], token: &str) -> Option<String> {
        let flaw = |f| self.flaws.has(f);
        if flaw(Flaw::TokenPrefixMatch)
            || flaw(Flaw::TokenCaseInsensitive)
            || flaw(Flaw::ApiKeyTrimmed)
        {
            let given = if flaw(Flaw::ApiKeyTrimmed) {
                token.trim()
            } else {
                token
            };
            return self
                .plain_keys
                .iter()
                .find(|(key, _)| {
                    key == given
                        || (flaw(Flaw::TokenPrefixMatch)
                            && given.len() * 2 >= key.len()
                            && key.starts_with(given))
                        || (flaw(Flaw::TokenCaseInsensitive) && key.eq_ignore_ascii_case(given))
                })
                .map(|(_, user)| user.clone());
        }
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut user = None;
        for (known, owner) in keys {
            if ct_eq(known, &digest) && user.is_none() {
                user = Some(owner.clone());
            }
        }
        user
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }

    fn methods(&self) -> &'static str {
        match (self.keys.is_some(), self.oidc.is_some()) {
            (true, true) => "[API-keys, OIDC]",
            (true, false) => "[API-keys]",
            (false, true) => "[OIDC]",
            (false, false) => "[]",
        }
    }
}

fn unauthorized(message: &str) -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        json!({"code": 401, "message": message}).to_string(),
    )
}

/// The bearer token: `Authorization: Bearer` (case-sensitive), else the `access_token` query parameter.
fn token_of(request: &Request) -> Option<String> {
    if let Some(value) = header_text(request.headers(), "authorization")
        && let Some(token) = value.strip_prefix("Bearer ")
    {
        return Some(token.to_owned());
    }
    let query = request.uri().query()?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("access_token="))
        .map(percent_decode)
}

enum Verb {
    Read,
    Create,
    Delete,
}

async fn handle(State(server): State<Arc<Weaviate>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    match path.as_str() {
        "/v1/.well-known/live" | "/v1/.well-known/ready"
            if !server.flaws.has(Flaw::PublicProtected) || token_of(&request).is_some() =>
        {
            return StatusCode::OK.into_response();
        }
        "/v1/.well-known/live" | "/v1/.well-known/ready" => {
            return unauthorized("anonymous access not enabled");
        }
        "/v1/.well-known/openid-configuration" if request.uri().query().is_none() => {
            return match &server.oidc {
                Some(oidc) => json(StatusCode::OK, oidc.configuration().to_string()),
                None => StatusCode::NOT_FOUND.into_response(),
            };
        }
        _ => {}
    }
    let (verb, answer) = match (&method, path.as_str()) {
        (&Method::GET, "/v1") => (
            None,
            json!({"links": [{"href": "/v1/meta", "name": "Meta information about this instance/cluster"}]}),
        ),
        (&Method::GET, "/v1/meta") => (
            Some(Verb::Read),
            json!({"hostname": "http://[::]:8080", "modules": {}, "version": "1.30.0"}),
        ),
        // With a query string the public match misses, and the request goes through auth.
        (&Method::GET, "/v1/.well-known/openid-configuration") => (
            Some(Verb::Read),
            server
                .oidc
                .as_ref()
                .map_or(json!(null), Oidc::configuration),
        ),
        (&Method::GET, "/v1/schema") => (Some(Verb::Read), json!({"classes": []})),
        (&Method::POST, "/v1/schema") => (
            Some(Verb::Create),
            json!({"class": "Authconform", "properties": []}),
        ),
        (&Method::GET, "/v1/objects") => {
            (Some(Verb::Read), json!({"objects": [], "totalResults": 0}))
        }
        (&Method::POST, "/v1/objects") => (
            Some(Verb::Create),
            json!({"class": "Authconform", "id": "00000000-0000-0000-0000-000000000001", "properties": {}}),
        ),
        (&Method::DELETE, p) if p.starts_with("/v1/objects/") => (Some(Verb::Delete), json!(null)),
        _ => {
            return json(
                StatusCode::NOT_FOUND,
                json!({"code": 404, "message": format!("path {path} was not found")}).to_string(),
            );
        }
    };
    let principal = match token_of(&request) {
        // With both schemes on, whatever parses as a JWT goes to OIDC, the rest are API keys.
        Some(token)
            if server.oidc.is_some()
                && (server.keys.is_none() || crate::authn::jws::parse_compact(&token).is_ok()) =>
        {
            let oidc = server.oidc.as_ref().expect("checked by the guard");
            match oidc.principal(&token).await {
                Ok(user) => Some(user),
                Err(refusal) => return refusal,
            }
        }
        Some(token) => match &server.keys {
            Some(keys) => match server.key_user(keys, &token) {
                Some(u) => Some(u),
                None => return unauthorized("unauthorized: invalid api key"),
            },
            None => {
                return unauthorized(
                    "no authentication scheme is configured (API Key or OIDC), but an 'Authorization' header was provided. Please configure an authentication scheme or remove the header",
                );
            }
        },
        None if server.flaws.has(Flaw::MalformedHeader500)
            && header_text(request.headers(), "authorization").is_some() =>
        {
            return json(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"code": 500, "message": "malformed authorization header"}).to_string(),
            );
        }
        None if server.anonymous
            || verb.is_none()
            || server.flaws.has(Flaw::ProtectedLeftPublic) =>
        {
            None
        }
        None => {
            return unauthorized(&format!(
                "anonymous access not enabled. Please authenticate through one of the available methods: {}",
                server.methods()
            ));
        }
    };
    if let (Some(list), Some(verb)) = (&server.adminlist, &verb) {
        let user = principal.as_deref().unwrap_or("anonymous");
        let allowed = list.admins.iter().any(|a| a == user)
            || (server.flaws.has(Flaw::ReadOnlyMayWrite)
                && list.read_only.iter().any(|r| r == user))
            || (matches!(verb, Verb::Read) && list.read_only.iter().any(|r| r == user));
        if !allowed {
            let action = match verb {
                Verb::Read => "read",
                Verb::Create => "create",
                Verb::Delete => "delete",
            };
            let message = format!(
                "adminlist: authorization, forbidden action: user '{user}' has insufficient permissions to {action} [{path}]"
            );
            return json(
                StatusCode::FORBIDDEN,
                json!({"error": [{"message": message}]}).to_string(),
            );
        }
    }
    match verb {
        Some(Verb::Delete) => StatusCode::NO_CONTENT.into_response(),
        _ => json(StatusCode::OK, answer.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_debug_names_no_key() {
        let s = Settings::parse("AUTHENTICATION_APIKEY_ALLOWED_KEYS=key-secret-1,key-secret-2");
        let shown = format!("{s:?}");
        assert!(
            shown.contains("AUTHENTICATION_APIKEY_ALLOWED_KEYS"),
            "{shown}"
        );
        assert!(!shown.contains("key-secret"), "{shown}");
    }

    #[test]
    fn start_up_checks() {
        let s = |t: &str| Weaviate::from_settings(&Settings::parse(t));
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=true\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,b\nAUTHENTICATION_APIKEY_USERS=x,y").is_ok());
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=true\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,b\nAUTHENTICATION_APIKEY_USERS=x,y,z").is_err());
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=on\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,,b\nAUTHENTICATION_APIKEY_USERS=x").is_err());
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=1\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,a\nAUTHENTICATION_APIKEY_USERS=x").is_err());
        assert!(s("AUTHORIZATION_ADMINLIST_ENABLED=true\nAUTHORIZATION_ADMINLIST_USERS=a\nAUTHORIZATION_ADMINLIST_READONLY_USERS=a").is_err());
        assert!(
            s("").unwrap().anonymous,
            "no method at all: anonymous access is on"
        );
        assert!(
            !s("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false")
                .unwrap()
                .anonymous
        );
    }

    #[test]
    fn lists_are_not_trimmed() {
        let w = Weaviate::from_settings(&Settings::parse("AUTHENTICATION_APIKEY_ENABLED=true\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a, b\nAUTHENTICATION_APIKEY_USERS=u")).unwrap();
        let keys = w.keys.unwrap();
        let spaced: [u8; 32] = Sha256::digest(b" b").into();
        assert!(keys.iter().any(|(k, _)| *k == spaced));
    }

    #[test]
    fn query_values_are_percent_decoded() {
        assert_eq!(percent_decode("a%20b+c%2"), "a b c%2");
    }
}
