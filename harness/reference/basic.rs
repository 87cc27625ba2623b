//! A careful HTTP Basic server (RFC 7617, RFC 9110 §11) in front of a profile's endpoints, as nginx
//! `auth_basic` or Apache `mod_auth_basic` should be: public endpoints open, protected ones 200
//! only with a user and password from its htpasswd file, every refusal the same 401 with a
//! `Basic` challenge, unknown users checked against a dummy hash (no timing shortcut), bcrypt off
//! the async workers.

use crate::ConfigError;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::flaws::{Flaw, Flaws};
use super::wire::header_text;
use crate::authn::authorization::{BasicOptions, parse_basic};
use crate::authn::htpasswd::{Accept, HashScheme, Htpasswd};
use crate::dialect::Endpoint;

/// What protected endpoints answer with, after the user's name: content only credentials reach.
pub const PROTECTED_CONTENT: &str = "authconform-protected-content";

pub struct Basic {
    file: Htpasswd,
    endpoints: &'static [Endpoint],
    realm: String,
    flaws: Flaws,
}

impl Basic {
    /// From an htpasswd file (bcrypt, apr1 and `{SHA}` lines, as Apache takes them).
    pub fn new(
        htpasswd: &str,
        endpoints: &'static [Endpoint],
        flaws: &Flaws,
    ) -> Result<Basic, ConfigError> {
        let file = Htpasswd::parse(htpasswd)
            .map_err(|e| ConfigError::Credentials(format!("htpasswd: {e}")))?
            .accepting(Accept::Apache);
        Ok(Basic {
            file,
            endpoints,
            realm: "authconform".into(),
            flaws: flaws.clone(),
        })
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }

    /// The user the request authenticates as, or `None`.
    fn user(&self, value: Option<String>) -> Option<String> {
        let creds = parse_basic(&value?, BasicOptions::STRICT).ok()?;
        let known = self.file.contains(creds.user());
        let flaw = |f| self.flaws.has(f);
        // Refusing an unknown user before any hashing is the timing shortcut the flaw names.
        if !known && (flaw(Flaw::UnknownUserDistinct) || flaw(Flaw::UnknownUserFast)) {
            return None;
        }
        if known
            && (flaw(Flaw::AnyPasswordForKnownUser)
                || (flaw(Flaw::EmptyPasswordAccepted) && creds.password().is_empty()))
        {
            return Some(creds.user().to_owned());
        }
        // With the flaw, the file holds DES crypt lines (written so by the embedded target) and
        // they are verified as nginx and Apache do, through the system's crypt(3).
        if flaw(Flaw::DesTruncation)
            && let Some(hash) = self.file.hash_of(creds.user())
            && HashScheme::of(hash) == HashScheme::DesCrypt
        {
            return authconform_authn::crypt::verify(creds.password(), hash)
                .then(|| creds.user().to_owned());
        }
        self.file
            .verify(creds.user(), creds.password())
            .then(|| creds.user().to_owned())
    }
}

async fn handle(State(server): State<Arc<Basic>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    if path == crate::openapi::PATH && method == Method::GET {
        let ops = crate::openapi::from_endpoints(server.endpoints);
        let scheme = crate::openapi::basic_scheme();
        return crate::openapi::answer(crate::openapi::document("http-basic", scheme, &ops));
    }
    let Some(endpoint) = server.endpoints.iter().find(|e| e.path == path) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    // With the flaw, public endpoints ask for credentials too.
    let public = endpoint.public && !server.flaws.has(Flaw::PublicProtected);
    if public || server.flaws.has(Flaw::ProtectedLeftPublic) {
        return answer(endpoint, &method, "anonymous", public);
    }
    let value = header_text(request.headers(), "authorization");
    let unknown_user = value
        .as_deref()
        .and_then(|v| parse_basic(v, BasicOptions::STRICT).ok())
        .is_some_and(|c| !server.file.contains(c.user()));
    let checking = server.clone();
    let user = tokio::task::spawn_blocking(move || checking.user(value))
        .await
        .ok()
        .flatten();
    match user {
        Some(user) => answer(endpoint, &method, &user, false),
        None if unknown_user && server.flaws.has(Flaw::UnknownUserDistinct) => {
            (StatusCode::FORBIDDEN, "unknown user\n").into_response()
        }
        None => refusal(&server.realm),
    }
}

fn answer(endpoint: &Endpoint, method: &Method, user: &str, public: bool) -> Response {
    if method.as_str() != endpoint.method && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
    }
    let body = if public {
        "ok\n".to_owned()
    } else {
        format!("{PROTECTED_CONTENT} user={user}\n")
    };
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The one refusal: 401, a `Basic` challenge with the realm, the same body whatever was wrong.
fn refusal(realm: &str) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, "authentication required\n").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("Basic realm=\"{realm}\", charset=\"UTF-8\"")) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
