//! The OpenAPI 3 document format, as sweeps read it: every operation with its method, path
//! template, the path filled with sample values, whether the document declares it public
//! (`security: []`), whether it destroys data, and a minimal request body from its schema. Pure.
//!
//! The document is read with the `oas3` crate. `oas3` folds an absent `security` and an empty
//! `security: []` into the same empty list, and the difference is the whole point here (an absent
//! one inherits the document's requirement, an empty one removes it), so that key alone is read
//! from the raw JSON.

use std::collections::BTreeMap;

use oas3::spec::{ObjectSchema, Operation as OasOperation, ParameterIn};
use oas3::spec::{SchemaType as Type, SchemaTypeSet as TypeSet};
use serde_json::Value;

mod body;
use body::{minimal_body, object_schema};

/// The largest document read: Chroma 0.6.3's is 120 kB, Weaviate's 400 kB.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// Why a document gives no operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenApiError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error(
        "a Swagger 2.0 document; authconform reads OpenAPI 3.x (convert it, e.g. with swagger2openapi)"
    )]
    Swagger2,
    #[error("not an OpenAPI 3 document: {0}")]
    NotOpenApi(String),
    #[error("the document lists no operations under `paths`")]
    NoOperations,
    #[error("`$ref` {0} leads back to itself or through more than 32 references")]
    RefChain(String),
}

/// The longest chain of `$ref`s to `$ref`s followed; `oas3` resolves such chains recursively.
const MAX_REF_CHAIN: usize = 32;

/// One operation of the document, ready to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub method: String,
    /// The path as the document writes it, `{name}` placeholders and all.
    pub template: String,
    /// The path with every placeholder filled and required query parameters appended.
    pub path: String,
    pub operation_id: Option<String>,
    /// The document removes every security requirement from it (`security: []`), or has none at all.
    pub public_by_document: bool,
    /// DELETE, or an operation whose id or last path segment is `reset`.
    pub destructive: bool,
    /// A minimal JSON body valid against the operation's schema, when it takes one.
    pub body: Option<Value>,
}

impl Operation {
    /// `METHOD /template`: how reports name the operation.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Whether a target's name for an operation (`reset`, `POST /api/v2/reset`, an operationId)
    /// is this one.
    pub fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        self.operation_id.as_deref() == Some(name)
            || self.label().eq_ignore_ascii_case(name)
            || self.template == name
            || self.path == name
    }
}

/// Sample values for path placeholders: the target's own first, then by name.
pub struct Samples<'a> {
    pub given: &'a BTreeMap<String, String>,
    /// Used for `{…id}`, `{…uuid}` and `format: uuid` placeholders.
    pub uuid: String,
}

impl Samples<'_> {
    fn value(&self, name: &str, schema: Option<&ObjectSchema>) -> String {
        if let Some(v) = self.given.get(name) {
            return v.clone();
        }
        let lower = name.to_ascii_lowercase();
        let format = schema.and_then(|s| s.format.as_deref());
        if let Some(first) = schema.and_then(|s| s.enum_values.first()) {
            return scalar_text(first);
        }
        if format == Some("uuid") || lower.ends_with("id") || lower.contains("uuid") {
            return self.uuid.clone();
        }
        if schema
            .and_then(|s| s.schema_type.as_ref())
            .is_some_and(is_numeric)
        {
            return "1".into();
        }
        match lower.as_str() {
            "tenant" | "tenant_name" => "default_tenant".into(),
            "database" | "database_name" => "default_database".into(),
            _ => "authconform-sweep".into(),
        }
    }
}

fn is_numeric(t: &TypeSet) -> bool {
    t.contains(Type::Integer) || t.contains(Type::Number)
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every operation of `text`, in the document's order.
pub fn operations(text: &str, samples: &Samples) -> Result<Vec<Operation>, OpenApiError> {
    let raw: Value =
        serde_json::from_str(text).map_err(|e| OpenApiError::NotJson(e.to_string()))?;
    if raw.get("swagger").is_some() {
        return Err(OpenApiError::Swagger2);
    }
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => return Err(OpenApiError::NotOpenApi(format!("version {v:?}"))),
        None => return Err(OpenApiError::NotOpenApi("no `openapi` version".into())),
    }
    if let Some(start) = ref_chain_too_long(&raw) {
        return Err(OpenApiError::RefChain(start));
    }
    let spec = oas3::from_json(text).map_err(|e| OpenApiError::NotOpenApi(e.to_string()))?;
    let global_security = raw.get("security").and_then(Value::as_array);
    let mut out = Vec::new();
    for (template, method, op) in spec.operations() {
        let method = method.as_str().to_owned();
        let own = raw
            .pointer(&format!(
                "/paths/{}/{}/security",
                pointer_escape(&template),
                method.to_ascii_lowercase()
            ))
            .and_then(Value::as_array);
        // Only an explicit `security: []` (or a `{}` alternative) makes an operation public: a
        // document that says nothing about security (FastAPI writes Chroma's so) says nothing
        // about which operations are open, so they count as protected unless the target lists
        // them as public.
        let public_by_document = match own {
            Some(list) => list.is_empty() || list.iter().any(is_empty_requirement),
            None => {
                global_security.is_some_and(|l| l.is_empty() || l.iter().any(is_empty_requirement))
            }
        };
        let path = fill_path(&spec, &template, op, samples);
        let last = template.rsplit('/').next().unwrap_or("");
        let destructive = method == "DELETE"
            || last.eq_ignore_ascii_case("reset")
            || op
                .operation_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case("reset"));
        out.push(Operation {
            body: minimal_body(&spec, op),
            method,
            template,
            path,
            operation_id: op.operation_id.clone(),
            public_by_document,
            destructive,
        });
    }
    if out.is_empty() {
        return Err(OpenApiError::NoOperations);
    }
    Ok(out)
}

/// `{}` in a list of requirements: "no security" is one of the alternatives.
fn is_empty_requirement(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.is_empty())
}

/// The first `$ref` (anywhere in the document) whose chain of references to references into
/// `#/components/…` loops or runs longer than [`MAX_REF_CHAIN`]: resolving it would not end.
fn ref_chain_too_long(raw: &Value) -> Option<String> {
    let target = |reference: &str| -> Option<&Value> {
        let (kind, name) = component_of(reference)?;
        raw.get("components")?.get(kind)?.get(name)?.get("$ref")
    };
    let mut refs = Vec::new();
    collect_refs(raw, &mut refs, 0);
    refs.into_iter().find(|start| {
        let mut at = start.clone();
        for _ in 0..MAX_REF_CHAIN {
            match target(&at).and_then(Value::as_str) {
                Some(next) => at = next.to_owned(),
                None => return false,
            }
        }
        true
    })
}

/// The component a `$ref` names, read as `oas3` reads it (and so resolves it): whatever comes
/// before the first `#` is ignored, then `/components/<kind>/<name>`, the name being the rest of
/// the text taken literally — no JSON-pointer unescaping, `/` included.
fn component_of(reference: &str) -> Option<(&str, &str)> {
    let (_, fragment) = reference.split_once('#')?;
    let (kind, name) = fragment.strip_prefix("/components/")?.split_once('/')?;
    (!kind.is_empty() && !name.is_empty()).then_some((kind, name))
}

fn collect_refs(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out, depth + 1));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out, depth + 1)),
        _ => {}
    }
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn fill_path(spec: &oas3::Spec, template: &str, op: &OasOperation, samples: &Samples) -> String {
    let params = op.parameters(spec).unwrap_or_default();
    let schema_of = |name: &str| -> Option<ObjectSchema> {
        let p = params.iter().find(|p| p.name == name)?;
        object_schema(spec, p.schema.as_ref()?)
    };
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        path.push_str(&rest[..open]);
        let name = &rest[open + 1..open + close];
        let value = samples.value(name, schema_of(name).as_ref());
        path.push_str(&crate::percent::percent_encode(&value));
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    let query: Vec<String> = params
        .iter()
        .filter(|p| p.location == ParameterIn::Query && p.required == Some(true))
        .map(|p| {
            let schema = p.schema.as_ref().and_then(|s| object_schema(spec, s));
            let value = samples.value(&p.name, schema.as_ref());
            format!(
                "{}={}",
                crate::percent::percent_encode(&p.name),
                crate::percent::percent_encode(&value)
            )
        })
        .collect();
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    path
}

/// The OpenAPI reader's fuzz entry: any bytes in, operations or an error out, never a panic.
pub fn fuzz_entry(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let given = BTreeMap::new();
        let samples = Samples {
            given: &given,
            uuid: "00000000-0000-4000-8000-000000000000".into(),
        };
        let _ = operations(text, &samples);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const UUID: &str = "11111111-2222-4333-8444-555555555555";

    /// The operations of `doc`, placeholders filled from `given` first.
    fn read(doc: &str, given: &BTreeMap<String, String>) -> Result<Vec<Operation>, OpenApiError> {
        let uuid = UUID.to_owned();
        operations(doc, &Samples { given, uuid })
    }

    fn ops() -> Vec<Operation> {
        read(DOC, &BTreeMap::new()).unwrap()
    }

    const DOC: &str = r##"{
      "openapi": "3.1.0",
      "info": {"title": "t", "version": "1"},
      "security": [{"basic": []}],
      "components": {
        "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}},
        "schemas": {
          "Create": {"type": "object", "required": ["name", "size", "tags"],
                     "properties": {"name": {"type": "string", "minLength": 20},
                                    "size": {"type": "integer", "minimum": 3},
                                    "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": ["a", "b"]}},
                                    "optional": {"type": "boolean"}}}
        }
      },
      "paths": {
        "/health": {"get": {"operationId": "health", "security": [], "responses": {}}},
        "/api/{tenant}/collections/{collection_id}": {
          "get": {"operationId": "get_collection", "responses": {},
                  "parameters": [{"name": "tenant", "in": "path", "required": true, "schema": {"type": "string"}},
                                 {"name": "collection_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                                 {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}}]},
          "delete": {"operationId": "delete_collection", "responses": {}}
        },
        "/api/collections": {"post": {"operationId": "create", "responses": {},
          "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Create"}}}}}},
        "/api/reset": {"post": {"responses": {}, "security": [{}, {"basic": []}]}}
      }
    }"##;

    #[test]
    fn reads_operations_access_and_destructive() {
        let ops = ops();
        let labels: Vec<_> = ops.iter().map(Operation::label).collect();
        assert_eq!(
            labels,
            [
                "GET /health",
                "GET /api/{tenant}/collections/{collection_id}",
                "DELETE /api/{tenant}/collections/{collection_id}",
                "POST /api/collections",
                "POST /api/reset"
            ]
        );
        let public: Vec<_> = ops.iter().map(|o| o.public_by_document).collect();
        assert_eq!(
            public,
            [true, false, false, false, true],
            "[] and [{{}}] are public"
        );
        let destructive: Vec<_> = ops.iter().map(|o| o.destructive).collect();
        assert_eq!(destructive, [false, false, true, false, true]);
    }

    #[test]
    fn fills_placeholders_and_required_query() {
        assert_eq!(
            ops()[1].path,
            format!("/api/default_tenant/collections/{UUID}?limit=1")
        );
        let given = BTreeMap::from([("tenant".to_owned(), "t 1".to_owned())]);
        let ops = read(DOC, &given).unwrap();
        assert!(ops[1].path.starts_with("/api/t%201/"), "{}", ops[1].path);
    }

    #[test]
    fn body_is_minimal_and_valid() {
        let ops = ops();
        let body = ops[3].body.clone().unwrap();
        assert_eq!(body["size"], json!(3));
        assert_eq!(body["tags"], json!(["a"]));
        assert!(body["name"].as_str().unwrap().len() >= 20);
        assert!(body.get("optional").is_none(), "only required properties");
        assert_eq!(ops[0].body, None);
    }

    #[test]
    fn refuses_what_is_not_openapi_3() {
        let none = BTreeMap::new();
        assert_eq!(
            read(r#"{"swagger": "2.0", "paths": {}}"#, &none),
            Err(OpenApiError::Swagger2)
        );
        assert!(matches!(read("{", &none), Err(OpenApiError::NotJson(_))));
        assert!(matches!(
            read(r#"{"openapi": "4.0"}"#, &none),
            Err(OpenApiError::NotOpenApi(_))
        ));
        let empty = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        assert_eq!(read(empty, &none), Err(OpenApiError::NoOperations));
    }

    #[test]
    fn a_reference_cycle_is_refused_not_followed() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
          "paths": {"/a": {"post": {"requestBody": {"$ref": "#/components/requestBodies/B"}, "responses": {}}}},
          "components": {"requestBodies": {"B": {"$ref": "#/components/requestBodies/B"}}}}"##;
        assert_eq!(
            read(doc, &BTreeMap::new()),
            Err(OpenApiError::RefChain(
                "#/components/requestBodies/B".into()
            ))
        );
    }

    /// `oas3` reads a `$ref` its own way: anything before `#` is ignored, and the name is the
    /// rest of the path taken literally (no JSON-pointer unescaping, `/` allowed). A loop written
    /// in any of these spellings recursed until the stack ran out (found by the openapi_document
    /// fuzz target in CI).
    #[test]
    fn a_reference_cycle_is_refused_however_it_is_spelled() {
        for (name, reference) in [
            ("B", "other.json#/components/requestBodies/B"),
            ("a~1b", "#/components/requestBodies/a~1b"),
            ("a~0b", "#/components/requestBodies/a~0b"),
            ("a/b", "#/components/requestBodies/a/b"),
            ("%42", "#/components/requestBodies/%42"),
        ] {
            let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
              "paths": {"/a": {"post": {"requestBody": {"$ref": reference}, "responses": {}}}},
              "components": {"requestBodies": {name: {"$ref": reference}}}});
            assert_eq!(
                read(&doc.to_string(), &BTreeMap::new()),
                Err(OpenApiError::RefChain(reference.into())),
                "{reference}"
            );
        }
    }

    proptest::proptest! {
        /// Any text is read or refused, never a panic; any document of made-up paths gives one
        /// operation per path and method, each path filled without a placeholder left.
        #[test]
        fn any_text_is_read_or_refused(text in "\\PC{0,200}") {
            let _ = read(&text, &BTreeMap::new());
        }

        #[test]
        fn made_up_documents_give_their_operations(
            paths in proptest::collection::btree_map("(/[a-z]{1,6}(/\\{[a-z_]{1,8}\\})?){1,3}", proptest::sample::subsequence(vec!["get", "post", "delete"], 1..=3), 1..6)
        ) {
            let mut doc = serde_json::Map::new();
            for (path, methods) in &paths {
                let ops: serde_json::Map<String, Value> = methods.iter().map(|m| ((*m).to_owned(), json!({"responses": {}}))).collect();
                doc.insert(path.clone(), Value::Object(ops));
            }
            let text = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": doc}).to_string();
            let ops = read(&text, &BTreeMap::new()).unwrap();
            proptest::prop_assert_eq!(ops.len(), paths.values().map(Vec::len).sum::<usize>());
            for op in &ops {
                proptest::prop_assert!(!op.path.contains('{'), "{}", op.path);
                proptest::prop_assert_eq!(op.destructive, op.method == "DELETE");
                proptest::prop_assert!(!op.public_by_document);
            }
        }
    }

    #[test]
    fn names_match_id_label_or_path() {
        let ops = ops();
        assert!(ops[4].is_named("POST /api/reset"));
        assert!(ops[4].is_named("/api/reset"));
        assert!(ops[3].is_named("create"));
        assert!(!ops[3].is_named("reset"));
    }
}
