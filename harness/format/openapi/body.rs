//! A request body from an operation's schema: the smallest JSON value it accepts that can be
//! made without knowing the server (its example or default, else each required property).

use oas3::spec::{ObjectOrReference, ObjectSchema, Operation as OasOperation, Schema};
use oas3::spec::{SchemaType as Type, SchemaTypeSet as TypeSet};
use serde_json::{Value, json};

use super::{MAX_REF_CHAIN, component_of};

/// The object schema `schema` is or refers to, borrowed from the document: `oas3`'s own
/// `resolve` clones the schema it finds, examples and all, at every call.
pub(super) fn object_schema<'a>(
    spec: &'a oas3::Spec,
    schema: &'a Schema,
) -> Option<&'a ObjectSchema> {
    let mut at = schema;
    for _ in 0..=MAX_REF_CHAIN {
        let Schema::Object(boxed) = at else {
            return None;
        };
        match boxed.as_ref() {
            ObjectOrReference::Object(o) => return Some(o),
            ObjectOrReference::Ref { ref_path, .. } => {
                let ("schemas", name) = component_of(ref_path)? else {
                    return None;
                };
                at = spec.components.as_ref()?.schemas.get(name)?;
            }
        }
    }
    None
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
    let mut budget = MAX_BODY_VALUES;
    example_of(spec, &schema, 0, &mut budget)
}

/// How many JSON values one body holds, at most. Depth alone does not bound it: a schema whose
/// ten required properties each refer back to it asks for 10^8 values at depth 8, and a large
/// `example` referred to from many places is copied into each (a server's document could hang a
/// sweep or exhaust its memory so). Past the budget, objects and arrays stop growing.
pub(super) const MAX_BODY_VALUES: usize = 10_000;

/// Charges one value to the budget: `None` once it is spent.
fn take(budget: &mut usize) -> Option<()> {
    *budget = budget.checked_sub(1)?;
    Some(())
}

/// A copy of `v`, each of its values charged to the budget: `None` when they do not all fit.
fn charged(v: &Value, budget: &mut usize) -> Option<Value> {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        take(budget)?;
        match v {
            Value::Array(a) => stack.extend(a),
            Value::Object(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    Some(v.clone())
}

/// The smallest value a schema accepts that authconform can make: its example or default, else
/// each required property, the first enum value, the minimum, `minItems` items. Every value made
/// is charged to `budget`; `None` once it is spent, and an object or array stops where it ran out.
fn example_of(
    spec: &oas3::Spec,
    schema: &Schema,
    depth: usize,
    budget: &mut usize,
) -> Option<Value> {
    if depth > 8 {
        take(budget)?;
        return Some(Value::Null);
    }
    let Some(o) = object_schema(spec, schema) else {
        take(budget)?;
        return Some(json!({}));
    };
    let given = (o.example.as_ref())
        .or(o.examples.first())
        .or(o.default.as_ref())
        .or(o.const_value.as_ref())
        .or(o.enum_values.first());
    if let Some(v) = given {
        return charged(v, budget);
    }
    for alternatives in [&o.any_of, &o.one_of] {
        let pick = alternatives.iter().find(|s| {
            object_schema(spec, s)
                .and_then(|o| o.schema_type.as_ref())
                .is_none_or(|t| *t != TypeSet::Single(Type::Null))
        });
        if let Some(s) = pick {
            return example_of(spec, s, depth + 1, budget);
        }
    }
    take(budget)?;
    if !o.all_of.is_empty() {
        let mut merged = serde_json::Map::new();
        for part in &o.all_of {
            match example_of(spec, part, depth + 1, budget) {
                Some(Value::Object(m)) => merged.extend(m),
                Some(_) => {}
                None => break,
            }
        }
        return Some(Value::Object(merged));
    }
    let kind = match &o.schema_type {
        Some(TypeSet::Single(t)) => Some(*t),
        Some(TypeSet::Multiple(ts)) => ts.iter().copied().find(|t| *t != Type::Null),
        None if !o.properties.is_empty() => Some(Type::Object),
        None => None,
    };
    Some(match kind {
        Some(Type::Object) | None => {
            let mut m = serde_json::Map::new();
            for name in &o.required {
                let value = match o.properties.get(name) {
                    Some(s) => example_of(spec, s, depth + 1, budget),
                    None => take(budget).map(|()| json!("authconform-sweep")),
                };
                let Some(value) = value else { break };
                m.insert(name.clone(), value);
            }
            Value::Object(m)
        }
        Some(Type::Array) => {
            let mut items = Vec::new();
            for _ in 0..o.min_items.unwrap_or(0).min(4) {
                let item = match o.items.as_deref() {
                    Some(s) => example_of(spec, s, depth + 1, budget),
                    None => take(budget).map(|()| Value::Null),
                };
                let Some(item) = item else { break };
                items.push(item);
            }
            Value::Array(items)
        }
        Some(Type::String) if o.format.as_deref() == Some("uuid") => {
            json!("00000000-0000-4000-8000-000000000001")
        }
        Some(Type::String) => {
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
    })
}
