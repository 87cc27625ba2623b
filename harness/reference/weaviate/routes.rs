//! Weaviate's routes as authentication and the admin list see them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::flaws::Flaw;
use crate::wire::{header_text, json, percent_decode};

use super::*;

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

pub(super) async fn handle(State(server): State<Arc<Weaviate>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    if path == crate::openapi::PATH {
        return crate::openapi::answer(openapi_document());
    }
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
    if let Some(rbac) = &server.rbac {
        let token = token_of(&request);
        let has_authorization = header_text(request.headers(), "authorization").is_some();
        return match authenticate(&server, token, has_authorization, true).await {
            Ok(user) => super::authz::route(rbac, user, request).await,
            Err(refusal) => refusal,
        };
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
    let token = token_of(&request);
    let has_authorization = header_text(request.headers(), "authorization").is_some();
    let principal = match authenticate(&server, token, has_authorization, verb.is_some()).await {
        Ok(principal) => principal,
        Err(refusal) => return refusal,
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

/// The reference's routes (real Weaviate serves a Swagger 2.0 document instead, which sweeps do
/// not read): the well-known probes and discovery public, the rest behind the admin list or OIDC.
fn openapi_document() -> String {
    use crate::openapi::{DocOperation, bearer_scheme, document};
    let ops = [
        DocOperation::new("GET", "/v1/.well-known/live", true),
        DocOperation::new("GET", "/v1/.well-known/ready", true),
        DocOperation::new("GET", "/v1/.well-known/openid-configuration", true),
        DocOperation::new("GET", "/v1", false),
        DocOperation::new("GET", "/v1/meta", false),
        DocOperation::new("GET", "/v1/schema", false),
        DocOperation::new("POST", "/v1/schema", false)
            .with_body(json!({"class": "Authconform", "properties": []})),
        DocOperation::new("GET", "/v1/objects", false),
        DocOperation::new("POST", "/v1/objects", false)
            .with_body(json!({"class": "Authconform", "properties": {}})),
        DocOperation::new("DELETE", "/v1/objects/{id}", false),
        // With RBAC on (mode rbac): collection-scoped routes and the role API.
        DocOperation::new("GET", "/v1/schema/{className}", false),
        DocOperation::new("GET", "/v1/authz/roles", false),
        DocOperation::new("GET", "/v1/authz/users/own-roles", false),
    ];
    document("weaviate", bearer_scheme(), &ops)
}

/// Who sent the request: the user of its API key or token, `None` for an anonymous request
/// that may pass (anonymous access on, or a route that needs no verb); the refusal otherwise.
async fn authenticate(
    server: &Weaviate,
    token: Option<String>,
    has_authorization: bool,
    protected: bool,
) -> Result<Option<String>, Response> {
    Ok(match token {
        // With both schemes on, whatever parses as a JWT goes to OIDC, the rest are API keys.
        Some(token)
            if server.oidc.is_some()
                && (server.keys.is_none() || crate::authn::jws::parse_compact(&token).is_ok()) =>
        {
            let oidc = server.oidc.as_ref().expect("checked by the guard");
            match oidc.principal(&token).await {
                Ok(user) => Some(user),
                Err(refusal) => return Err(refusal),
            }
        }
        Some(token) => match &server.keys {
            Some(keys) => match server.key_user(keys, &token) {
                Some(u) => Some(u),
                None => return Err(unauthorized("unauthorized: invalid api key")),
            },
            None => {
                return Err(unauthorized(
                    "no authentication scheme is configured (API Key or OIDC), but an 'Authorization' header was provided. Please configure an authentication scheme or remove the header",
                ));
            }
        },
        None if server.flaws.has(Flaw::MalformedHeader500) && has_authorization => {
            return Err(json(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"code": 500, "message": "malformed authorization header"}).to_string(),
            ));
        }
        None if server.anonymous || !protected || server.flaws.has(Flaw::ProtectedLeftPublic) => {
            None
        }
        None => {
            return Err(unauthorized(&format!(
                "anonymous access not enabled. Please authenticate through one of the available methods: {}",
                server.methods()
            )));
        }
    })
}
