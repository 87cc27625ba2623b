//! CrateDB's HTTP endpoints as authentication sees them: credentials read from the request, the
//! host-based entry chosen, the method run, and the answers (401 with the challenge, 500).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::flaws::Flaw;
use crate::tls::ClientCertName;
use crate::wire::{header_text, json};

use super::*;

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

pub(super) async fn handle(
    State(server): State<Arc<CrateDb>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    cert: Option<Extension<ClientCertName>>,
    request: Request,
) -> Response {
    if request.uri().path() == crate::openapi::PATH {
        return crate::openapi::answer(openapi_document());
    }
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
        (&Method::POST, "/_sql") => sql_endpoint(&server, &user, request).await,
        _ => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// The most a `/_sql` request body may be.
const SQL_BODY_LIMIT: usize = 1 << 20;

/// `POST /_sql` with `{"stmt": …, "args": […]}`: the statement run as `user`, checked against
/// their privileges unless they are the superuser; errors as `{"error": {"message", "code"}}`.
async fn sql_endpoint(server: &CrateDb, user: &str, request: Request) -> Response {
    let result = match axum::body::to_bytes(request.into_body(), SQL_BODY_LIMIT).await {
        Err(_) => Err(catalog::SqlError::Parse(
            "the request body is too large or broken".into(),
        )),
        Ok(bytes) => run_sql(server, user, &bytes),
    };
    match result {
        Ok(outcome) => json(StatusCode::OK, outcome.body().to_string()),
        Err(error) => {
            let (status, code) = error.status();
            json(
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                json!({"error": {"message": error.message(), "code": code}}).to_string(),
            )
        }
    }
}

fn run_sql(
    server: &CrateDb,
    user: &str,
    body: &[u8],
) -> Result<catalog::Outcome, catalog::SqlError> {
    use catalog::SqlError::Parse;
    let request: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Parse(format!("Failed to parse source: {e}")))?;
    let stmt = request
        .get("stmt")
        .and_then(|s| s.as_str())
        .ok_or_else(|| Parse("Field [stmt] was not found".into()))?;
    let args = match request.get("args") {
        None => Vec::new(),
        Some(serde_json::Value::Array(args)) => args.clone(),
        Some(_) => return Err(Parse("Field [args] must be an array".into())),
    };
    let statement = sql::parse(stmt, &args).map_err(|sql::ParseError(m)| Parse(m))?;
    let user_exists = |name: &str| server.users.contains_key(name);
    let session = catalog::Session {
        user,
        superuser: user == DEFAULT_USER || server.flaws.has(Flaw::PrivilegesIgnored),
        user_exists: &user_exists,
    };
    let mut catalog = server.catalog.lock().unwrap_or_else(|p| p.into_inner());
    catalog.execute(&session, statement)
}

/// CrateDB's HTTP endpoint as the reference serves it: every route needs a user (`trust` names
/// one without a password).
fn openapi_document() -> String {
    use crate::openapi::{DocOperation, basic_scheme, document};
    let ops = [
        DocOperation::new("GET", "/", false),
        DocOperation::new("POST", "/_sql", false).with_body(json!({"stmt": "SELECT CURRENT_USER"})),
    ];
    document("cratedb", basic_scheme(), &ops)
}
