//! The OpenAPI 3.1 document each reference server serves at `/openapi.json` (without
//! credentials): its routes, the public ones marked `security: []`, a request body's shape given
//! by an example. Sweeps read it as they read a real server's.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::dialect::Endpoint;

/// Where every reference server serves its document.
pub const PATH: &str = "/openapi.json";

/// One operation of a reference server.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOperation {
    pub method: &'static str,
    /// With `{name}` placeholders where the server takes any value.
    pub path: &'static str,
    pub public: bool,
    /// An example of the JSON body the operation takes.
    pub body: Option<Value>,
}

impl DocOperation {
    pub const fn new(method: &'static str, path: &'static str, public: bool) -> DocOperation {
        DocOperation {
            method,
            path,
            public,
            body: None,
        }
    }

    pub fn with_body(mut self, body: Value) -> DocOperation {
        self.body = Some(body);
        self
    }
}

/// The operations of a server that serves exactly a dialect's endpoint table.
pub fn from_endpoints(endpoints: &[Endpoint]) -> Vec<DocOperation> {
    endpoints
        .iter()
        .map(|e| DocOperation {
            method: e.method,
            path: e.path,
            public: e.public,
            body: e.body.and_then(|b| serde_json::from_str(b).ok()),
        })
        .collect()
}

/// The document: `scheme` is the security scheme object every protected operation requires.
pub fn document(title: &str, scheme: Value, operations: &[DocOperation]) -> String {
    let mut paths = Map::new();
    for op in operations {
        let mut operation = Map::new();
        operation.insert(
            "operationId".into(),
            json!(operation_id(op.method, op.path)),
        );
        let params: Vec<Value> = placeholders(op.path)
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            operation.insert("parameters".into(), Value::Array(params));
        }
        if op.public {
            operation.insert("security".into(), json!([]));
        }
        if let Some(body) = &op.body {
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "example": body}}}}),
            );
        }
        operation.insert(
            "responses".into(),
            json!({"200": {"description": "done"}, "401": {"description": "no valid credentials"}}),
        );
        let item = paths
            .entry(op.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(op.method.to_ascii_lowercase(), Value::Object(operation));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": title, "version": "authconform-reference"},
        "components": {"securitySchemes": {"auth": scheme}},
        "security": [{"auth": []}],
        "paths": paths,
    })
    .to_string()
}

/// The answer to `GET /openapi.json`.
pub fn answer(document: String) -> Response {
    crate::wire::json(StatusCode::OK, document)
}

fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{}_{}", method.to_ascii_lowercase(), words.join("_"))
}

fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

pub fn basic_scheme() -> Value {
    json!({"type": "http", "scheme": "basic"})
}

pub fn bearer_scheme() -> Value {
    json!({"type": "http", "scheme": "bearer"})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_operations_have_no_security_and_bodies_an_example() {
        let ops = [
            DocOperation::new("GET", "/health", true),
            DocOperation::new("POST", "/things/{thing_id}", false).with_body(json!({"a": 1})),
        ];
        let doc: Value = serde_json::from_str(&document("t", basic_scheme(), &ops)).unwrap();
        assert_eq!(doc["paths"]["/health"]["get"]["security"], json!([]));
        let post = &doc["paths"]["/things/{thing_id}"]["post"];
        assert!(post.get("security").is_none(), "inherits the document's");
        assert_eq!(post["parameters"][0]["name"], "thing_id");
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["example"],
            json!({"a": 1})
        );
        assert_eq!(post["operationId"], "post_things_thing_id");
    }
}
