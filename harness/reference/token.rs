//! A careful static-token server in front of a profile's endpoints: the `bearer` and `api-key`
//! dialects' reference. Protected endpoints answer 200 only to the token of its token file, sent
//! where the mode says (`Authorization: Bearer`, a named header with an optional prefix, or a query
//! parameter), compared in constant time; every refusal is the same 401.

use crate::ConfigError;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::flaws::{Flaw, Flaws};
use super::wire::{header_text, percent_decode};
use crate::authn::authorization::{BearerOptions, parse_bearer};
use crate::authn::constant_time::ct_eq;
use crate::dialect::{Endpoint, TokenTransport};

pub struct TokenServer {
    token: String,
    transport: TokenTransport,
    endpoints: &'static [Endpoint],
    flaws: Flaws,
}

impl TokenServer {
    /// From a token file holding one token (no trailing newline needed).
    pub fn new(
        token_file: &str,
        transport: TokenTransport,
        endpoints: &'static [Endpoint],
        flaws: &Flaws,
    ) -> Result<TokenServer, ConfigError> {
        let token = token_file.trim_end_matches(['\r', '\n']).to_owned();
        if token.is_empty() || token.contains('\n') {
            return Err(ConfigError::Credentials(
                "the token file must hold exactly one token".into(),
            ));
        }
        Ok(TokenServer {
            token,
            transport,
            endpoints,
            flaws: flaws.clone(),
        })
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }

    /// The token the request carries where the mode reads it.
    fn presented(&self, request: &Request) -> Option<String> {
        let headers = request.headers();
        match self.transport {
            TokenTransport::AuthorizationBearer => {
                let value = header_text(headers, "authorization")?;
                parse_bearer(&value, BearerOptions::STRICT)
                    .ok()
                    .map(str::to_owned)
            }
            TokenTransport::Header(name) => header_text(headers, name),
            TokenTransport::Prefixed(name, prefix) => {
                let value = header_text(headers, name)?;
                let (head, rest) = value.split_at_checked(prefix.len())?;
                head.eq_ignore_ascii_case(prefix).then(|| rest.to_owned())
            }
            TokenTransport::Query(name) => request.uri().query().and_then(|q| {
                q.split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| percent_decode(v))
            }),
        }
    }

    fn accepts(&self, presented: &str) -> bool {
        let (want, got) = (self.token.as_bytes(), presented.as_bytes());
        if self.flaws.has(Flaw::TokenPrefixMatch) && !got.is_empty() && got.len() < want.len() {
            return ct_eq(&want[..got.len()], got);
        }
        if self.flaws.has(Flaw::TokenCaseInsensitive) {
            return ct_eq(
                presented.to_ascii_lowercase().as_bytes(),
                self.token.to_ascii_lowercase().as_bytes(),
            );
        }
        ct_eq(want, got)
    }
}

async fn handle(State(server): State<Arc<TokenServer>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path == crate::openapi::PATH && request.method() == axum::http::Method::GET {
        let ops = crate::openapi::from_endpoints(server.endpoints);
        let scheme = crate::openapi::bearer_scheme();
        return crate::openapi::answer(crate::openapi::document("token", scheme, &ops));
    }
    // With the flaw, a doubled slash misses the protected location but reaches the same file.
    let doubled = server.flaws.has(Flaw::DoubleSlashOpen) && path.starts_with("//");
    let path = if doubled { &path[1..] } else { &path[..] };
    let Some(endpoint) = server.endpoints.iter().find(|e| e.path == path) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    // With the flaw, public endpoints ask for credentials too.
    let public = endpoint.public && !server.flaws.has(Flaw::PublicProtected);
    let method = request.method().clone();
    if public || doubled || server.flaws.has(Flaw::ProtectedLeftPublic) {
        return answer(endpoint, &method, public);
    }
    match server.presented(&request) {
        Some(token) if server.accepts(&token) => answer(endpoint, &method, false),
        _ => refusal(server.transport),
    }
}

fn answer(endpoint: &Endpoint, method: &Method, public: bool) -> Response {
    if method.as_str() != endpoint.method && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
    }
    let body = if public {
        "ok\n"
    } else {
        "authconform-protected-content\n"
    };
    (StatusCode::OK, body).into_response()
}

/// The one refusal: 401, with an RFC 6750 challenge where the token is a bearer token.
fn refusal(transport: TokenTransport) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, "authentication required\n").into_response();
    if transport == TokenTransport::AuthorizationBearer {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"authconform\""),
        );
    }
    response
}
