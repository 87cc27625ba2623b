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
    let schema_of = |name: &str| -> Option<&ObjectSchema> {
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
        let value = samples.value(name, schema_of(name));
        path.push_str(&crate::percent::percent_encode(&value));
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    let query: Vec<String> = params
        .iter()
        .filter(|p| p.location == ParameterIn::Query && p.required == Some(true))
        .map(|p| {
            let schema = p.schema.as_ref().and_then(|s| object_schema(spec, s));
            let value = samples.value(&p.name, schema);
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
mod tests;
