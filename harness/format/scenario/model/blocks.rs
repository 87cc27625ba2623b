//! The blocks that write cases: access matrices, fuzz blocks and uniform-rejection groups.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::*;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    pub level: Spanned<Level>,
    #[serde(rename = "ref")]
    pub reference: Text,
    /// Columns, in order.
    pub endpoints: Vec<MatrixEndpoint>,
    /// Rows, in order.
    pub principals: Vec<Principal>,
    /// Principal name or role → verb class → expected status.
    #[serde(default)]
    pub rules: BTreeMap<String, BTreeMap<VerbClass, Spanned<StatusSpec>>>,
    /// Principal name → endpoint name → expected status, over the rules.
    #[serde(default)]
    pub cells: BTreeMap<String, BTreeMap<String, Spanned<StatusSpec>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixEndpoint {
    pub name: Text,
    /// The verb class; default: the one the dialect's profile gives the endpoint.
    #[serde(default)]
    pub class: Option<VerbClass>,
    /// An endpoint of the dialect's table; default: the entry's name.
    #[serde(default)]
    pub endpoint: Option<Text>,
    #[serde(default)]
    pub method: Option<Text>,
    #[serde(default)]
    pub path: Option<Text>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principal {
    pub name: Text,
    /// The role rules may name instead of the principal.
    #[serde(default)]
    pub role: Option<String>,
    /// The credential the principal sends; none for anonymous.
    #[serde(default)]
    pub auth: Option<Auth>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuzzBlock {
    pub level: Spanned<Level>,
    #[serde(rename = "ref")]
    pub reference: Text,
    /// A protected endpoint of the dialect.
    pub endpoint: Text,
    pub inputs: Vec<FuzzInput>,
    #[serde(default)]
    pub cases: Option<Spanned<u32>>,
    #[serde(default)]
    pub within: Option<Text>,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// A case's fuzz expectation: values of `input` sent to its request, none answered 2xx or 5xx.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuzzSpec {
    pub input: FuzzInput,
    /// Values to send (default 100, at most 2000).
    #[serde(default)]
    pub cases: Option<Spanned<u32>>,
    /// Time the values and the shrinking may take (default 20s, at most 120s).
    #[serde(default)]
    pub within: Option<Text>,
    /// Fixes the generated values; without it a random seed is used and reported.
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uniform {
    pub level: Spanned<Level>,
    #[serde(rename = "ref")]
    pub reference: Text,
    /// The rejection paths, by case name: each must answer like the first.
    pub cases: Vec<Text>,
    /// Headers besides `Date` that may differ (e.g. a request id).
    #[serde(default)]
    pub ignore_headers: Vec<String>,
}
