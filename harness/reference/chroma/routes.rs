//! Chroma's routes as authentication sees them: which are public, which need which action, and
//! what each answers once the provider let the request through.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::flaws::Flaw;
use crate::wire::{header_text, json};

use super::*;

#[derive(Clone, PartialEq, Eq)]
enum Route {
    Heartbeat,
    Version,
    PreFlight,
    Identity,
    Tenant,
    /// `…/tenants/{tenant}/databases`: the tenant's databases (a route no dialect table lists).
    Databases,
    Database,
    Collections,
    CollectionsCount,
    /// `…/collections/{name}`: get or delete one collection.
    Collection(String),
    /// `…/collections/{id}/{op}`: the data calls (add, count, get, query, delete).
    Records(&'static str, String),
    Reset,
    V1Collections,
}

/// The data calls of a collection, and the SimpleRBAC action each needs.
const RECORD_CALLS: [(&str, &str); 5] = [
    ("add", "collection:add"),
    ("count", "collection:count"),
    ("get", "collection:get"),
    ("query", "collection:query"),
    ("delete", "collection:delete"),
];

impl Route {
    fn find(path: &str) -> Option<Route> {
        const DB: &str = "/api/v2/tenants/default_tenant/databases/default_database";
        Some(match path {
            "/api/v1" | "/api/v2" | "/api/v1/heartbeat" | "/api/v2/heartbeat" => Route::Heartbeat,
            "/api/v1/version" | "/api/v2/version" => Route::Version,
            "/api/v1/pre-flight-checks" | "/api/v2/pre-flight-checks" => Route::PreFlight,
            "/api/v2/auth/identity" => Route::Identity,
            "/api/v2/tenants/default_tenant" => Route::Tenant,
            "/api/v2/tenants/default_tenant/databases" => Route::Databases,
            "/api/v1/collections" => Route::V1Collections,
            "/api/v2/reset" => Route::Reset,
            _ => match path.strip_prefix(DB)? {
                "" => Route::Database,
                "/collections" => Route::Collections,
                "/collections_count" => Route::CollectionsCount,
                rest => {
                    let rest = rest.strip_prefix("/collections/")?;
                    match rest.split_once('/') {
                        None if !rest.is_empty() => Route::Collection(rest.to_owned()),
                        Some((id, op)) if !id.is_empty() => {
                            let (op, _) = RECORD_CALLS.iter().find(|(name, _)| *name == op)?;
                            Route::Records(op, id.to_owned())
                        }
                        _ => return None,
                    }
                }
            },
        })
    }

    fn methods(&self) -> &'static [Method] {
        match self {
            Route::Collections => &[Method::GET, Method::POST],
            Route::Collection(_) => &[Method::GET, Method::DELETE],
            Route::Records("count", _) => &[Method::GET],
            Route::Records(..) | Route::Reset => &[Method::POST],
            _ => &[Method::GET],
        }
    }

    /// The SimpleRBAC action a request on the route needs; identity needs none.
    fn action(&self, method: &Method) -> Option<&'static str> {
        Some(match self {
            Route::Tenant => "tenant:get_tenant",
            Route::Databases => "db:list_databases",
            Route::Database => "db:get_database",
            Route::Collections if method == Method::POST => "db:create_collection",
            Route::Collections => "db:list_collections",
            Route::CollectionsCount => "db:count_collections",
            Route::Collection(_) if method == Method::DELETE => "collection:delete_collection",
            Route::Collection(_) => "collection:get_collection",
            Route::Records(op, _) => RECORD_CALLS.iter().find(|(name, _)| name == op)?.1,
            Route::Reset => "system:reset",
            _ => return None,
        })
    }

    fn public(&self) -> bool {
        matches!(
            self,
            Route::Heartbeat | Route::Version | Route::PreFlight | Route::V1Collections
        )
    }
}

pub(super) async fn handle(State(server): State<Arc<Chroma>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    if path == crate::openapi::PATH && method == Method::GET {
        return crate::openapi::answer(openapi_document());
    }
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
    let public = match &route {
        Route::Heartbeat if server.flaws.has(Flaw::PublicProtected) => false,
        // The middleware misses a route nobody listed (Chroma 0.6.3's DELETE database is such a
        // route: its handler never awaits the auth check).
        Route::Databases if server.flaws.has(Flaw::UnlistedRouteOpen) => true,
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
    let body = match axum::body::to_bytes(request.into_body(), MAX_REQUEST_BYTES).await {
        Ok(bytes) if bytes.is_empty() => serde_json::Value::Null,
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(_) => {
                return json(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    r#"{"detail":"the body is not JSON"}"#.into(),
                );
            }
        },
        Err(_) => {
            return json(
                StatusCode::PAYLOAD_TOO_LARGE,
                r#"{"detail":"the body is too large"}"#.into(),
            );
        }
    };
    answer(&server, route, &method, identity, &body)
}

/// Larger request bodies are refused (413) after authentication.
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

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

fn answer(
    server: &Chroma,
    route: Route,
    method: &Method,
    identity: Option<Identity>,
    body: &serde_json::Value,
) -> Response {
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
        Route::Databases => ok(json!([{"id": "00000000-0000-0000-0000-000000000000", "name": "default_database", "tenant": "default_tenant"}])),
        Route::Database => ok(json!({"id": "00000000-0000-0000-0000-000000000000", "name": "default_database", "tenant": "default_tenant"})),
        Route::Collections | Route::CollectionsCount | Route::Collection(_) | Route::Records(..) => {
            let mut store = server.store.lock().unwrap_or_else(|p| p.into_inner());
            let done = match (&route, method) {
                (Route::Collections, &Method::POST) => store.create(body),
                (Route::Collections, _) => Ok(store.list()),
                (Route::CollectionsCount, _) => Ok(json!(store.count_collections())),
                (Route::Collection(name), &Method::DELETE) => store.delete_collection(name),
                (Route::Collection(name), _) => store.get_collection(name),
                (Route::Records("add", id), _) => store.add(id, body),
                (Route::Records("count", id), _) => store.count(id),
                (Route::Records("get", id), _) => store.get(id, body),
                (Route::Records("query", id), _) => store.query(id, body),
                (Route::Records(_, id), _) => store.delete(id, body),
                _ => unreachable!("the outer match names the store's routes"),
            };
            match done {
                Ok(value) if matches!(route, Route::Records("add", _)) => {
                    json(StatusCode::CREATED, value.to_string())
                }
                Ok(value) => ok(value),
                Err(e) => json(
                    StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
                    e.body().to_string(),
                ),
            }
        }
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

/// The reference's routes as Chroma 0.6.3 writes them (its FastAPI document has the same paths
/// and placeholders), public ones marked `security: []`.
fn operations() -> Vec<crate::openapi::DocOperation> {
    use crate::openapi::DocOperation as Op;
    const DB: &str = "/api/v2/tenants/{tenant}/databases/{database}";
    let leak = |tail: &str| -> &'static str { Box::leak(format!("{DB}{tail}").into_boxed_str()) };
    let mut ops = vec![
        Op::new("GET", "/api/v1", true),
        Op::new("GET", "/api/v2", true),
        Op::new("GET", "/api/v1/heartbeat", true),
        Op::new("GET", "/api/v2/heartbeat", true),
        Op::new("GET", "/api/v1/version", true),
        Op::new("GET", "/api/v2/version", true),
        Op::new("GET", "/api/v1/pre-flight-checks", true),
        Op::new("GET", "/api/v2/pre-flight-checks", true),
        Op::new("GET", "/api/v1/collections", true),
        Op::new("GET", "/api/v2/auth/identity", false),
        Op::new("GET", "/api/v2/tenants/{tenant}", false),
        Op::new("GET", "/api/v2/tenants/{tenant}/databases", false),
        Op::new("GET", DB, false),
        Op::new("GET", leak("/collections"), false),
        Op::new("POST", leak("/collections"), false)
            .with_body(json!({"name": "authconform-sweep", "get_or_create": true})),
        Op::new("GET", leak("/collections_count"), false),
        Op::new("GET", leak("/collections/{collection_id}"), false),
        Op::new("DELETE", leak("/collections/{collection_id}"), false),
        Op::new("GET", leak("/collections/{collection_id}/count"), false),
    ];
    for call in ["add", "get", "query", "delete"] {
        let body = match call {
            "add" => json!({"ids": ["a"], "embeddings": [[0.0, 1.0]]}),
            "query" => json!({"query_embeddings": [[0.0, 1.0]], "n_results": 1}),
            _ => json!({}),
        };
        ops.push(
            Op::new(
                "POST",
                leak(&format!("/collections/{{collection_id}}/{call}")),
                false,
            )
            .with_body(body),
        );
    }
    ops.push(Op::new("POST", "/api/v2/reset", false));
    ops
}

/// Made once: the operations' paths are leaked strings.
fn openapi_document() -> String {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let scheme = json!({"type": "http", "scheme": "basic", "description": "or a token, as the provider says"});
            crate::openapi::document("chroma", scheme, &operations())
        })
        .clone()
}

#[cfg(test)]
mod openapi_tests {
    use super::*;

    #[test]
    fn every_documented_operation_is_routed_with_its_access() {
        let fill = |p: &str| {
            p.replace("{tenant}", "default_tenant")
                .replace("{database}", "default_database")
                .replace("{collection_id}", "c")
        };
        let ops = operations();
        for op in &ops {
            let route =
                Route::find(&fill(op.path)).unwrap_or_else(|| panic!("{} not routed", op.path));
            let method = Method::from_bytes(op.method.as_bytes()).unwrap();
            assert!(
                route.methods().contains(&method),
                "{} {}",
                op.method,
                op.path
            );
            assert_eq!(route.public(), op.public, "{}", op.path);
        }
        assert_eq!(ops.len(), 24);
    }
}
