//! The blocks that write cases: access matrices, fuzz blocks, uniform-rejection groups and sweeps.

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

/// Every operation of the target's OpenAPI document, sent with each of these credentials
/// (docs/sweep.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepBlock {
    pub level: Spanned<Level>,
    #[serde(rename = "ref")]
    pub reference: Text,
    /// The rows of the sweep's table, in order.
    pub principals: Vec<SweepPrincipal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepPrincipal {
    pub name: Text,
    /// The credential sent; none for no credentials.
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Valid credentials: no protected operation may answer them 401 or 403. Without it the
    /// credentials are refused: no protected operation may answer 2xx.
    #[serde(default)]
    pub accepted: bool,
    /// Only in these of the suite's modes.
    #[serde(default)]
    pub modes: Option<Vec<Text>>,
}

/// What a sweep case stands for: one row of the sweep's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRole {
    pub principal: String,
    pub accepted: bool,
}

/// Each protected endpoint written the ways a proxy and an application may disagree on, sent
/// without credentials: none may answer 2xx with the content `auth` gets from the endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfusionBlock {
    pub level: Spanned<Level>,
    #[serde(rename = "ref")]
    pub reference: Text,
    /// The endpoints probed: a name, or `protected` (default) for each protected one.
    #[serde(default)]
    pub endpoint: Option<Text>,
    /// Valid credentials: their answer is the content no variant may get without them.
    pub auth: Auth,
    /// The variants sent; default all.
    #[serde(default)]
    pub variants: Option<Vec<crate::confusion::PathVariant>>,
}
