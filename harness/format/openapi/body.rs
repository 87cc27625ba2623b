//! A request body from an operation's schema: the smallest JSON value it accepts that can be
//! made without knowing the server (its example or default, else each required property).

use oas3::spec::{ObjectOrReference, ObjectSchema, Operation as OasOperation, Schema};
use oas3::spec::{SchemaType as Type, SchemaTypeSet as TypeSet};
use serde_json::{Value, json};

pub(super) fn object_schema(spec: &oas3::Spec, schema: &Schema) -> Option<ObjectSchema> {
    match schema.resolve(spec).ok()? {
        Schema::Object(boxed) => match *boxed {
            ObjectOrReference::Object(o) => Some(o),
            ObjectOrReference::Ref { .. } => None,
        },
        Schema::Boolean(_) => None,
    }
}

/// A JSON body for the operation's `application/json` request schema, if it has one.
pub(super) fn minimal_body(spec: &oas3::Spec, op: &OasOperation) -> Option<Value> {
    let body = op.request_body(spec).ok()??;
    let media = body
        .content
        .iter()
        .find(|(k, _)| k.starts_with("application/json"))
        .map(|(_, m)| m)?;
    let schema = media.schema(spec).ok()??;
    Some(example_of(spec, &schema, 0))
}

/// The smallest value a schema accepts that authconform can make: its example or default, else
/// each required property, the first enum value, the minimum, `minItems` items.
fn example_of(spec: &oas3::Spec, schema: &Schema, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    let Some(o) = object_schema(spec, schema) else {
        return json!({});
    };
    if let Some(v) = o.example.clone().or_else(|| o.examples.first().cloned()) {
        return v;
    }
    if let Some(v) = o.default.clone().or(o.const_value.clone()) {
        return v;
    }
    if let Some(v) = o.enum_values.first() {
        return v.clone();
    }
    for alternatives in [&o.any_of, &o.one_of] {
        let pick = alternatives.iter().find(|s| {
            object_schema(spec, s)
                .and_then(|o| o.schema_type)
                .is_none_or(|t| t != TypeSet::Single(Type::Null))
        });
        if let Some(s) = pick {
            return example_of(spec, s, depth + 1);
        }
    }
    if !o.all_of.is_empty() {
        let mut merged = serde_json::Map::new();
        for part in &o.all_of {
            if let Value::Object(m) = example_of(spec, part, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    let kind = match &o.schema_type {
        Some(TypeSet::Single(t)) => Some(*t),
        Some(TypeSet::Multiple(ts)) => ts.iter().copied().find(|t| *t != Type::Null),
        None if !o.properties.is_empty() => Some(Type::Object),
        None => None,
    };
    match kind {
        Some(Type::Object) | None => {
            let mut m = serde_json::Map::new();
            for name in &o.required {
                let value = o
                    .properties
                    .get(name)
                    .map_or(json!("authconform-sweep"), |s| {
                        example_of(spec, s, depth + 1)
                    });
                m.insert(name.clone(), value);
            }
            Value::Object(m)
        }
        Some(Type::Array) => {
            let n = o.min_items.unwrap_or(0).min(4) as usize;
            let item = o
                .items
                .as_deref()
                .map_or(Value::Null, |s| example_of(spec, s, depth + 1));
            Value::Array(vec![item; n])
        }
        Some(Type::String) => {
            if o.format.as_deref() == Some("uuid") {
                return json!("00000000-0000-4000-8000-000000000001");
            }
            let min = o.min_length.unwrap_or(0) as usize;
            let mut s = "authconform-sweep".to_owned();
            while s.len() < min.min(256) {
                s.push('x');
            }
            json!(s)
        }
        Some(Type::Integer) => o
            .minimum
            .clone()
            .map_or(json!(1), |m| json!(m.as_i64().unwrap_or(1))),
        Some(Type::Number) => o.minimum.clone().map_or(json!(1.0), Value::Number),
        Some(Type::Boolean) => json!(false),
        Some(Type::Null) => Value::Null,
    }
}
