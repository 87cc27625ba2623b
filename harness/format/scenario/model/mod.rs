//! The scenario file format, as deserialized. Every string a user may get wrong keeps its position.

use std::collections::BTreeMap;

use serde::Deserialize;
pub use serde_saphyr::Spanned;

use crate::dialect::{Dialect, VerbClass};
pub use crate::fuzz::FuzzInput;
pub use crate::issuer::IssuerChange;
pub use crate::jwt::Mutation;
use crate::level::Level;
pub use crate::tls::ClientAuth;
pub use crate::tls::ServerCert;

mod blocks;
mod expect;
mod request;

pub use blocks::*;
pub use expect::*;
pub use request::*;

/// A string that may hold `{{ … }}` and `${env:…}` templates, with its place in the file.
pub type Text = Spanned<String>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    pub suite: Text,
    pub dialect: Spanned<Dialect>,
    pub modes: Vec<Text>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// `sequential: true`: the cases run one at a time in file order, against a server of their
    /// own — for cases that change what later ones see (roles created, granted, revoked).
    #[serde(default, rename = "sequential")]
    pub in_file_order: bool,
    #[serde(default)]
    pub fixtures: Fixtures,
    /// The suite needs the target to speak TLS with this certificate.
    #[serde(default)]
    pub tls: Option<SuiteTls>,
    /// How the mock issuer answers while this suite runs. A suite with this block (or with cases
    /// that change the issuer, wait, or count fetches) gets its own server and runs in file order.
    #[serde(default)]
    pub issuer: Option<IssuerChange>,
    /// Principals × endpoints, expanded into one case per pair (docs/scenario-format.md § Access matrix).
    #[serde(default)]
    pub matrix: Option<Matrix>,
    /// Cases whose answers must be indistinguishable (docs/scenario-format.md § Uniform rejection).
    #[serde(default)]
    pub uniform: Option<Uniform>,
    /// Generated credentials against a protected endpoint, a case per input kind (docs/scenario-format.md §
    /// Live fuzzing).
    #[serde(default)]
    pub fuzz: Option<FuzzBlock>,
    /// Every operation of the target's OpenAPI document × credentials (docs/sweep.md).
    #[serde(default)]
    pub sweep: Option<SweepBlock>,
    /// Path-confusion variants of protected endpoints, sent without credentials
    /// (docs/sweep.md § Path confusion).
    #[serde(default)]
    pub confusion: Option<ConfusionBlock>,
    #[serde(default)]
    pub cases: Vec<Case>,
}

impl Suite {
    /// Runs alone and in file order: it changes or observes the issuer's state, or it sweeps an
    /// OpenAPI document (an operation may create what a later one reads or conflicts with, and
    /// the order must be the same every run; a destructive one must not race the others).
    pub fn sequential(&self) -> bool {
        self.in_file_order
            || self.issuer.is_some()
            || self.sweep.is_some()
            || self.cases.iter().any(|c| {
                c.issuer.is_some()
                    || c.wait.is_some()
                    || !c.capture.is_empty()
                    || !c.expect.fetches.is_empty()
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteTls {
    pub server: ServerCert,
    #[serde(default = "no_client_auth")]
    pub client_auth: ClientAuth,
}

fn no_client_auth() -> ClientAuth {
    ClientAuth::None
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(default)]
    pub users: BTreeMap<String, UserFixture>,
    #[serde(default)]
    pub tokens: BTreeMap<String, TokenFixture>,
    /// Server settings the suite needs (`NAME: value`), on top of those its mode implies; e.g.
    /// CrateDB's `auth.host_based.config.<key>.<field>` entries.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// Role → the actions it grants, where the mode authorizes by role (Chroma's SimpleRBAC:
    /// `db:list_collections`, `collection:add`, …).
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<String>>,
}

/// A user the suite assumes. The password is generated at run time unless given.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    /// `""` declares a user without a password where the dialect has such users (CrateDB).
    #[serde(default)]
    pub password: Option<crate::secret::Secret>,
    /// A role where the mode has roles: Weaviate's admin list knows `admin` and `read-only`.
    #[serde(default)]
    pub role: Option<String>,
}

/// A token the suite assumes, generated at run time unless given.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFixture {
    /// The user that holds it where the mode has users (`token-users`); defaults to the token's name.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: Text,
    pub level: Spanned<Level>,
    #[serde(rename = "ref", default)]
    pub reference: Option<Text>,
    #[serde(default)]
    pub description: Option<String>,
    /// Run the case only in these of the suite's modes.
    #[serde(default)]
    pub modes: Option<Vec<Text>>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Changes to the mock issuer made before the request.
    #[serde(default)]
    pub issuer: Option<IssuerChange>,
    /// Time to let pass before the request (at most 10s), e.g. for a cache to expire.
    #[serde(default)]
    pub wait: Option<Text>,
    /// Values later cases read as `{{ captured.NAME }}`: NAME → JSON pointer into this answer.
    #[serde(default)]
    pub capture: BTreeMap<String, Text>,
    pub request: Request,
    pub expect: Expect,
    /// Where the case sits in the suite's access matrix, when the matrix made it.
    #[serde(skip)]
    pub cell: Option<Cell>,
    /// The sweep row the case stands for, when the suite's `sweep` block made it: it is sent to
    /// every operation of the target's OpenAPI document.
    #[serde(skip)]
    pub sweep: Option<SweepRole>,
}

impl Case {
    /// The case's `ref`, or `""` (validation refuses a case without one).
    pub fn reference_text(&self) -> String {
        self.reference
            .as_ref()
            .map(|r| r.value.clone())
            .unwrap_or_default()
    }
}

/// The principal and endpoint of an access-matrix case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cell {
    pub principal: String,
    pub endpoint: String,
}
