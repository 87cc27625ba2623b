//! The collections behind Chroma's routes, in memory: enough of the data path for the official
//! client's normal use (create, get, list, add, count, get records, query by L2 distance, delete)
//! to work against the reference, with the answers shaped as Chroma 0.6.3 sends them (observed
//! on the wire). Pure: no I/O, no clock; ids come from a counter.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// One collection and its records, in insertion order.
struct Collection {
    id: String,
    metadata: Value,
    records: Vec<Record>,
}

struct Record {
    id: String,
    embedding: Vec<f64>,
    document: Value,
    metadata: Value,
}

/// Why a data call was refused, with Chroma's status and error name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub status: u16,
    pub error: &'static str,
    pub message: String,
}

impl StoreError {
    fn new(status: u16, error: &'static str, message: String) -> StoreError {
        StoreError {
            status,
            error,
            message,
        }
    }

    pub fn body(&self) -> Value {
        json!({"error": self.error, "message": self.message})
    }
}

#[derive(Default)]
pub struct Store {
    collections: BTreeMap<String, Collection>,
    next_id: u64,
}

impl Store {
    /// `POST …/collections`: a new collection, or the existing one with `get_or_create`.
    pub fn create(&mut self, body: &Value) -> Result<Value, StoreError> {
        let name = body
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| (3..=63).contains(&n.len()))
            .ok_or_else(|| {
                StoreError::new(
                    400,
                    "InvalidArgumentError",
                    "Expected collection name with 3 to 63 characters".into(),
                )
            })?
            .to_owned();
        let get_or_create = body.get("get_or_create").and_then(Value::as_bool) == Some(true);
        if !self.collections.contains_key(&name) {
            self.next_id += 1;
            let id = format!("00000000-0000-4000-8000-{:012x}", self.next_id);
            let metadata = body.get("metadata").cloned().unwrap_or(Value::Null);
            self.collections.insert(
                name.clone(),
                Collection {
                    id,
                    metadata,
                    records: Vec::new(),
                },
            );
        } else if !get_or_create {
            return Err(StoreError::new(
                409,
                "UniqueConstraintError",
                format!("Collection {name} already exists"),
            ));
        }
        Ok(model(&name, &self.collections[&name]))
    }

    /// `GET …/collections`.
    pub fn list(&self) -> Value {
        Value::Array(
            self.collections
                .iter()
                .map(|(name, c)| model(name, c))
                .collect(),
        )
    }

    pub fn count_collections(&self) -> usize {
        self.collections.len()
    }

    /// `GET …/collections/{name}`.
    pub fn get_collection(&self, name: &str) -> Result<Value, StoreError> {
        self.collections
            .get(name)
            .map(|c| model(name, c))
            .ok_or_else(|| {
                StoreError::new(
                    400,
                    "InvalidCollection",
                    format!("Collection {name} does not exist."),
                )
            })
    }

    /// `DELETE …/collections/{name}`.
    pub fn delete_collection(&mut self, name: &str) -> Result<Value, StoreError> {
        self.collections
            .remove(name)
            .map(|_| Value::Null)
            .ok_or_else(|| {
                StoreError::new(
                    400,
                    "InvalidArgumentError",
                    format!("Collection {name} does not exist."),
                )
            })
    }

    fn by_id(&mut self, id: &str) -> Result<&mut Collection, StoreError> {
        self.collections
            .values_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| {
                StoreError::new(
                    400,
                    "InvalidCollection",
                    format!("Collection {id} does not exist."),
                )
            })
    }

    /// `POST …/collections/{id}/add`: `true` (201 on the wire).
    pub fn add(&mut self, id: &str, body: &Value) -> Result<Value, StoreError> {
        let collection = self.by_id(id)?;
        let ids = strings(body.get("ids"));
        let embeddings = body.get("embeddings").and_then(Value::as_array);
        let column = |name: &str, i: usize| {
            body.get(name)
                .and_then(Value::as_array)
                .and_then(|a| a.get(i))
                .cloned()
                .unwrap_or(Value::Null)
        };
        for (i, record_id) in ids.iter().enumerate() {
            let embedding: Vec<f64> = embeddings
                .and_then(|e| e.get(i))
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            if embedding.is_empty() {
                return Err(StoreError::new(
                    400,
                    "InvalidArgumentError",
                    "the reference server stores embeddings only: give `embeddings`".into(),
                ));
            }
            collection.records.retain(|r| &r.id != record_id);
            collection.records.push(Record {
                id: record_id.clone(),
                embedding,
                document: column("documents", i),
                metadata: column("metadatas", i),
            });
        }
        Ok(Value::Bool(true))
    }

    /// `GET …/collections/{id}/count`.
    pub fn count(&mut self, id: &str) -> Result<Value, StoreError> {
        Ok(json!(self.by_id(id)?.records.len()))
    }

    /// `POST …/collections/{id}/get`: the records named by `ids` (all without), in insertion order.
    pub fn get(&mut self, id: &str, body: &Value) -> Result<Value, StoreError> {
        let wanted = body.get("ids").map(|v| strings(Some(v)));
        let collection = self.by_id(id)?;
        let picked: Vec<&Record> = collection
            .records
            .iter()
            .filter(|r| wanted.as_ref().is_none_or(|w| w.contains(&r.id)))
            .collect();
        let include = included(body, &["metadatas", "documents"]);
        let column = |name: &str, f: &dyn Fn(&Record) -> Value| {
            if include.iter().any(|i| i == name) {
                Value::Array(picked.iter().map(|r| f(r)).collect())
            } else {
                Value::Null
            }
        };
        Ok(json!({
            "ids": picked.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            "embeddings": column("embeddings", &|r| json!(r.embedding)),
            "documents": column("documents", &|r| r.document.clone()),
            "uris": null,
            "data": null,
            "metadatas": column("metadatas", &|r| r.metadata.clone()),
            "included": include,
        }))
    }

    /// `POST …/collections/{id}/query`: for each query embedding, the `n_results` nearest records
    /// by squared L2 distance (Chroma's default space).
    pub fn query(&mut self, id: &str, body: &Value) -> Result<Value, StoreError> {
        let queries: Vec<Vec<f64>> = body
            .get("query_embeddings")
            .and_then(Value::as_array)
            .map(|q| {
                q.iter()
                    .filter_map(Value::as_array)
                    .map(|v| v.iter().filter_map(Value::as_f64).collect())
                    .collect()
            })
            .unwrap_or_default();
        let n = body.get("n_results").and_then(Value::as_u64).unwrap_or(10) as usize;
        let include = included(body, &["metadatas", "documents", "distances"]);
        let collection = self.by_id(id)?;
        let mut ids = Vec::new();
        let mut columns: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for query in &queries {
            let mut scored: Vec<(f64, &Record)> = collection
                .records
                .iter()
                .map(|r| (squared_l2(query, &r.embedding), r))
                .collect();
            scored.sort_by(|a, b| a.0.total_cmp(&b.0));
            scored.truncate(n);
            ids.push(json!(scored.iter().map(|(_, r)| &r.id).collect::<Vec<_>>()));
            let each =
                |f: &dyn Fn(&(f64, &Record)) -> Value| Value::Array(scored.iter().map(f).collect());
            columns
                .entry("distances")
                .or_default()
                .push(each(&|(d, _)| json!(d)));
            columns
                .entry("documents")
                .or_default()
                .push(each(&|(_, r)| r.document.clone()));
            columns
                .entry("metadatas")
                .or_default()
                .push(each(&|(_, r)| r.metadata.clone()));
            columns
                .entry("embeddings")
                .or_default()
                .push(each(&|(_, r)| json!(r.embedding)));
        }
        let mut column = |name: &str| {
            if include.iter().any(|i| i == name) {
                Value::Array(columns.remove(name).unwrap_or_default())
            } else {
                Value::Null
            }
        };
        Ok(json!({
            "ids": ids,
            "embeddings": column("embeddings"),
            "documents": column("documents"),
            "uris": null,
            "data": null,
            "metadatas": column("metadatas"),
            "distances": column("distances"),
            "included": include,
        }))
    }

    /// `POST …/collections/{id}/delete`: the records named by `ids`.
    pub fn delete(&mut self, id: &str, body: &Value) -> Result<Value, StoreError> {
        let ids = strings(body.get("ids"));
        self.by_id(id)?.records.retain(|r| !ids.contains(&r.id));
        Ok(Value::Null)
    }
}

/// A collection as Chroma 0.6.3 describes it, with the configuration its client requires.
fn model(name: &str, c: &Collection) -> Value {
    json!({
        "id": c.id,
        "name": name,
        "configuration_json": {
            "hnsw_configuration": {
                "space": "l2", "ef_construction": 100, "ef_search": 100, "num_threads": 2,
                "M": 16, "resize_factor": 1.2, "batch_size": 100, "sync_threshold": 1000,
                "_type": "HNSWConfigurationInternal"
            },
            "_type": "CollectionConfigurationInternal"
        },
        "metadata": c.metadata,
        "dimension": c.records.first().map(|r| r.embedding.len()),
        "tenant": "default_tenant",
        "database": "default_database",
        "version": 0,
        "log_position": 0
    })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `include` list of a request (sorted, as Chroma echoes it), or `default`.
fn included(body: &Value, default: &[&str]) -> Vec<String> {
    let mut list = match body.get("include").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => default.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
    };
    list.sort();
    list
}

fn squared_l2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_holds_records_and_answers_the_nearest() {
        let mut store = Store::default();
        let made = store.create(&json!({"name": "things"})).unwrap();
        let id = made["id"].as_str().unwrap().to_owned();
        assert_eq!(
            made["configuration_json"]["_type"],
            "CollectionConfigurationInternal"
        );
        assert_eq!(
            store.create(&json!({"name": "things"})).unwrap_err().status,
            409
        );
        assert!(
            store
                .create(&json!({"name": "things", "get_or_create": true}))
                .is_ok()
        );
        store
            .add(
                &id,
                &json!({"ids": ["a", "b"], "embeddings": [[1.0, 0.0], [0.0, 1.0]], "documents": ["x", "y"]}),
            )
            .unwrap();
        assert_eq!(store.count(&id).unwrap(), json!(2));
        let found = store
            .query(
                &id,
                &json!({"query_embeddings": [[1.0, 0.1]], "n_results": 1}),
            )
            .unwrap();
        assert_eq!(found["ids"], json!([["a"]]));
        assert_eq!(found["documents"], json!([["x"]]));
        let d = found["distances"][0][0].as_f64().unwrap();
        assert!((d - 0.01).abs() < 1e-9, "{d}");
        store.delete(&id, &json!({"ids": ["a"]})).unwrap();
        assert_eq!(store.get(&id, &json!({})).unwrap()["ids"], json!(["b"]));
        assert_eq!(store.list().as_array().unwrap().len(), 1);
        store.delete_collection("things").unwrap();
        assert_eq!(store.list(), json!([]));
        assert_eq!(store.get_collection("things").unwrap_err().status, 400);
    }
}
