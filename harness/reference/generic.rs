//! A careful JWT resource server (RFC 6750, RFC 8725): `/public` open, `/protected` (and every path
//! under it) for bearer JWTs
//! from the configured issuer and JWKS URL, for the configured audience. Every refusal is the same
//! 401 with an RFC 6750 challenge.

use crate::ConfigError;
use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::flaws::{Flaw, Flaws};
use super::jwks::{CachePolicy, JwksSource, JwksTrust};
use super::jwt_check::{ASYMMETRIC, Policy, Rejection, verify};
use super::wire::{header_text, json};
use crate::duration::unix_now;

pub struct Generic {
    policy: Policy,
    flaws: Flaws,
    audience: String,
    keys: JwksSource,
    /// Tokens accepted so far, kept only with the `token-cache-shared` flaw (as mod_oauth2's cache
    /// shared across locations with different policies).
    accepted: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// A location whose policy accepts any audience: one server, two policies, for the shared-cache
/// case (`scenarios/jwt/shared-cache.yaml`).
pub const ANY_AUDIENCE_PATH: &str = "/protected/any-audience";

impl Generic {
    /// From `JWT_ISSUER`, `JWT_JWKS_URL` and `JWT_AUDIENCE` lines, and `JWT_JWKS_CA_FILE` (the CA
    /// an `https://` key set is verified with) when given.
    pub fn from_settings(text: &str, flaws: &Flaws) -> Result<Generic, ConfigError> {
        let values: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
        let get = |name: &str| {
            values
                .get(name)
                .filter(|v| !v.is_empty())
                .map(|v| (*v).to_owned())
                .ok_or_else(|| ConfigError::Setting(format!("the generic JWT server needs {name}")))
        };
        Ok(Generic {
            policy: Policy {
                issuer: get("JWT_ISSUER")?,
                algorithms: ASYMMETRIC.to_vec(),
                require_kid: true,
                alg_from_jwk: true,
                require_exp: true,
                nbf_grace: 0,
                // RFC 9068 §2.2: iat is required and describes the past.
                refuse_future_iat: true,
                require_iat: true,
                flaws: flaws.clone(),
            },
            flaws: flaws.clone(),
            audience: get("JWT_AUDIENCE")?,
            keys: JwksSource::with_trust(
                get("JWT_JWKS_URL")?,
                if flaws.has(Flaw::JwksNeverRefetched) {
                    CachePolicy::Forever
                } else {
                    CachePolicy::MaxAgeAndMiss
                },
                &trust(get("JWT_JWKS_CA_FILE").ok(), flaws)?,
            )?,
            accepted: std::sync::Mutex::default(),
        })
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }
}

/// The key-set client's trust: the CA file when one is configured, nothing at all with the flaw.
fn trust(ca_file: Option<String>, flaws: &Flaws) -> Result<JwksTrust, ConfigError> {
    if flaws.has(Flaw::JwksTlsUnverified) {
        return Ok(JwksTrust::Unverified);
    }
    match ca_file {
        None => Ok(JwksTrust::System),
        Some(path) => crate::scenario::load::read_input_text(
            std::path::Path::new(&path),
            crate::scenario::load::MAX_FILE_BYTES,
        )
        .map(JwksTrust::Ca)
        .map_err(|e| ConfigError::Keys(format!("JWT_JWKS_CA_FILE {e}"))),
    }
}

/// RFC 6750 §3: no `error` when the request carried no token, `invalid_token` when it did.
fn refuse(error: Option<&str>) -> Response {
    let challenge = match error {
        Some(e) => format!("Bearer realm=\"authconform\", error=\"{e}\""),
        None => "Bearer realm=\"authconform\"".to_owned(),
    };
    let body = json!({"error": error.unwrap_or("unauthorized")}).to_string();
    let mut response = json(StatusCode::UNAUTHORIZED, body);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// The token of `Authorization: Bearer` (scheme case-insensitive). Query tokens are not read.
fn bearer(request: &Request) -> Option<Result<String, ()>> {
    let value = header_text(request.headers(), "authorization")?;
    let (scheme, token) = value.split_once(' ').unwrap_or((&value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Some(Err(()));
    }
    Some(Ok(token.to_owned()))
}

async fn handle(State(server): State<Arc<Generic>>, request: Request) -> Response {
    let flaw = |f| server.flaws.has(f);
    if request.uri().path() == crate::openapi::PATH {
        use crate::openapi::{DocOperation, bearer_scheme, document};
        let ops = [
            DocOperation::new("GET", "/public", true),
            DocOperation::new("GET", "/protected", false),
            DocOperation::new("GET", ANY_AUDIENCE_PATH, false),
        ];
        return crate::openapi::answer(document("jwt", bearer_scheme(), &ops));
    }
    match request.uri().path() {
        "/public" if !flaw(Flaw::PublicProtected) => {
            return json(StatusCode::OK, json!({"public": true}).to_string());
        }
        "/public" => {}
        // Every path under /protected is a protected location (one server, several locations).
        p if p == "/protected" || p.starts_with("/protected/") => {}
        _ => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
    let granted = |sub: Option<&serde_json::Value>| {
        json(
            StatusCode::OK,
            json!({"protected": true, "sub": sub}).to_string(),
        )
    };
    let token = match bearer(&request) {
        _ if flaw(Flaw::ProtectedLeftPublic) => return granted(None),
        None => return refuse(None),
        Some(Err(())) => return refuse(Some("invalid_request")),
        Some(Ok(t)) => t,
    };
    let now = unix_now();
    let lax = request.uri().path() == ANY_AUDIENCE_PATH;
    let cached = || {
        server
            .accepted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&token)
    };
    if flaw(Flaw::TokenCacheShared) && cached() {
        return granted(None);
    }
    let audience = (!lax).then_some(server.audience.as_str());
    match verify(&token, &server.policy, audience, &server.keys, now).await {
        Ok(claims) => {
            if flaw(Flaw::TokenCacheShared) {
                server
                    .accepted
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(token.clone());
            }
            granted(claims.get("sub"))
        }
        Err(e) if flaw(Flaw::MalformedHeader500) && matches!(e, Rejection::Malformed(_)) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
        Err(_) => refuse(Some("invalid_token")),
    }
}
