//! The OpenAPI reader's tests: documents in, operations or errors out.

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

fn values_in(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(values_in).sum(),
        Value::Object(m) => m.values().map(values_in).sum(),
        _ => 0,
    }
}

/// Depth alone did not bound a body: four required properties each referring back to their
/// schema made 4^9 values, and a large example referred to fifty times was copied fifty times.
#[test]
fn a_body_holds_at_most_its_budget_of_values() {
    let loop_of = |n: usize| {
        let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let props: serde_json::Map<String, Value> = names
            .iter()
            .map(|p| (p.clone(), json!({"$ref": "#/components/schemas/S"})))
            .collect();
        json!({"type": "object", "required": names, "properties": props})
    };
    let big_example = json!({"type": "object", "required": (0..50).map(|i| format!("p{i}")).collect::<Vec<_>>(),
        "properties": (0..50).map(|i| (format!("p{i}"), json!({"$ref": "#/components/schemas/X"}))).collect::<serde_json::Map<_, _>>()});
    for (label, body_schema, extra) in [
        ("4-way loop", loop_of(4), json!({})),
        ("10-way loop", loop_of(10), json!({})),
        (
            "big example",
            big_example,
            json!({"type": "array", "example": vec![1; 5_000]}),
        ),
    ] {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
          "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}, "responses": {}}}},
          "components": {"schemas": {"S": body_schema, "X": extra}}});
        let ops = read(&doc.to_string(), &BTreeMap::new()).unwrap();
        let body = ops[0].body.as_ref().expect(label);
        let n = values_in(body);
        assert!(n > 50, "{label}: {n}");
        assert!(n <= body::MAX_BODY_VALUES, "{label}: {n} values");
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
