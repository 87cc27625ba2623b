//! The routes of a Weaviate with RBAC on: every request is authenticated, then authorized by the
//! action and collection its route implies (`rbac.rs`); `/v1/authz/…` manages roles and their
//! assignments as the official clients call it (weaviate-client 4.x `client.roles`, `client.users`).

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::rbac::{Rbac, Refused};
use super::unauthorized;
use crate::wire::{json, percent_decode};

/// Larger bodies are refused (413) after authentication.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub(super) async fn route(rbac: &Rbac, user: Option<String>, request: Request) -> Response {
    let Some(user) = user else {
        return unauthorized(
            "anonymous access not enabled. Please authenticate through one of the available methods: [API-keys]",
        );
    };
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let body: Value = match axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await {
        Ok(b) if b.is_empty() => Value::Null,
        Ok(b) => match serde_json::from_slice(&b) {
            Ok(v) => v,
            Err(e) => {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("the body is not JSON: {e}"),
                );
            }
        },
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large"),
    };
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    let class_of = |v: &Value| v["class"].as_str().unwrap_or("").to_owned();
    let query_class = query
        .split('&')
        .find_map(|p| p.strip_prefix("class="))
        .map(percent_decode);
    // (action, collection) the route needs, and its answer.
    let data = |action: &str, class: &str, answer: Response| -> Response {
        if rbac.allows(&user, action, class) {
            answer
        } else {
            refused(Refused::Forbidden(format!(
                "authorization, forbidden action: user '{user}' has insufficient permissions to {action} [{class}]"
            )))
        }
    };
    let ok = |v: Value| json(StatusCode::OK, v.to_string());
    match (&method, seg.as_slice()) {
        (&Method::GET, ["v1"]) => ok(json!({"links": [{"href": "/v1/meta"}]})),
        (&Method::GET, ["v1", "meta"]) => {
            ok(json!({"hostname": "http://[::]:8080", "modules": {}, "version": "1.30.0"}))
        }
        (&Method::GET, ["v1", "schema"]) => ok(json!({"classes": []})),
        (&Method::GET, ["v1", "schema", class]) => data(
            "read_collections",
            class,
            ok(json!({"class": class, "properties": []})),
        ),
        (&Method::DELETE, ["v1", "schema", class]) => {
            data("delete_collections", class, ok(Value::Null))
        }
        (&Method::POST, ["v1", "schema"]) => {
            let class = class_of(&body);
            data(
                "create_collections",
                &class,
                ok(json!({"class": class, "properties": []})),
            )
        }
        (&Method::GET, ["v1", "objects"]) => {
            let class = query_class.unwrap_or_else(|| "*".into());
            data(
                "read_data",
                &class,
                ok(json!({"objects": [], "totalResults": 0})),
            )
        }
        (&Method::POST, ["v1", "objects"]) => {
            let class = class_of(&body);
            let object = json!({"class": class, "id": "00000000-0000-0000-0000-000000000001", "properties": {}});
            data("create_data", &class, ok(object))
        }
        (&Method::GET, ["v1", "objects", class, id]) => data(
            "read_data",
            class,
            ok(json!({"class": class, "id": id, "properties": {}})),
        ),
        (&Method::DELETE, ["v1", "objects", class, _]) => {
            data("delete_data", class, StatusCode::NO_CONTENT.into_response())
        }
        (&Method::DELETE, ["v1", "objects", _]) => {
            data("delete_data", "*", StatusCode::NO_CONTENT.into_response())
        }
        (_, ["v1", "authz", rest @ ..]) => authz(rbac, &user, &method, rest, &body),
        _ => error(StatusCode::NOT_FOUND, &format!("path {path} was not found")),
    }
}

fn authz(rbac: &Rbac, user: &str, method: &Method, rest: &[&str], body: &Value) -> Response {
    let done = |r: Result<(), Refused>, status: StatusCode| match r {
        Ok(()) => status.into_response(),
        Err(e) => refused(e),
    };
    let value = |r: Result<Value, Refused>| match r {
        Ok(v) => json(StatusCode::OK, v.to_string()),
        Err(e) => refused(e),
    };
    match (method, rest) {
        (&Method::GET, ["roles"]) => json(
            StatusCode::OK,
            Value::Array(rbac.list_roles(user)).to_string(),
        ),
        (&Method::POST, ["roles"]) => done(rbac.create_role(user, body), StatusCode::CREATED),
        (&Method::GET, ["roles", name]) => value(rbac.get_role(user, name)),
        (&Method::DELETE, ["roles", name]) => {
            done(rbac.delete_role(user, name), StatusCode::NO_CONTENT)
        }
        (&Method::POST, ["roles", name, "add-permissions"]) => done(
            rbac.change_permissions(user, name, body, true),
            StatusCode::OK,
        ),
        (&Method::POST, ["roles", name, "remove-permissions"]) => done(
            rbac.change_permissions(user, name, body, false),
            StatusCode::OK,
        ),
        (&Method::GET, ["users", "own-roles"]) => value(rbac.roles_json(user, user)),
        (&Method::GET, ["users", target, "roles"] | ["users", target, "roles", _]) => {
            value(rbac.roles_json(user, target))
        }
        (&Method::POST, ["users", target, "assign"]) => {
            done(rbac.assign(user, target, body, true), StatusCode::OK)
        }
        (&Method::POST, ["users", target, "revoke"]) => {
            done(rbac.assign(user, target, body, false), StatusCode::OK)
        }
        _ => error(StatusCode::NOT_FOUND, "not found"),
    }
}

fn refused(r: Refused) -> Response {
    match r {
        Refused::Forbidden(m) => error(StatusCode::FORBIDDEN, &m),
        Refused::BuiltIn(m) => error(StatusCode::BAD_REQUEST, &m),
        Refused::NoSuchRole(m) => error(StatusCode::NOT_FOUND, &m),
        Refused::Exists(m) => error(StatusCode::CONFLICT, &m),
        Refused::Invalid(m) => error(StatusCode::UNPROCESSABLE_ENTITY, &m),
    }
}

/// Weaviate's error body: `{"error": [{"message": …}]}`.
fn error(status: StatusCode, message: &str) -> Response {
    json(status, json!({"error": [{"message": message}]}).to_string())
}
