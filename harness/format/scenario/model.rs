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
    #[serde(default)]
    pub cases: Vec<Case>,
}

impl Suite {
    /// Runs alone and in file order: it changes or observes the issuer's state.
    pub fn sequential(&self) -> bool {
        self.issuer.is_some()
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default)]
    pub endpoint: Option<Text>,
    #[serde(default)]
    pub method: Option<Text>,
    #[serde(default)]
    pub path: Option<Text>,
    #[serde(default)]
    pub headers: BTreeMap<String, Text>,
    #[serde(default)]
    pub body: Option<Text>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    #[serde(default)]
    pub auth: Option<Auth>,
    #[serde(default)]
    pub tls: Option<RequestTls>,
}

/// The client side of TLS for one request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestTls {
    /// `true` (system roots), `false` (no verification), or a CA file (templated, e.g. `{{ tls.ca }}`).
    /// Default in a TLS suite: the run's test CA.
    #[serde(default)]
    pub verify: Option<Spanned<Verify>>,
    #[serde(default)]
    pub client_cert: Option<ClientCertSpec>,
    /// Send with this scheme whatever the target speaks: `http` to a TLS port, `https` to a plain one.
    #[serde(default)]
    pub scheme: Option<Scheme>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Verify {
    Flag(bool),
    CaFile(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCertSpec {
    /// The certificate's CN (templated).
    pub cn: Text,
    #[serde(default)]
    pub from: CertIssuer,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertIssuer {
    #[default]
    TestCa,
    OtherCa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Http,
    Https,
}

/// The credential a request carries.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    None,
    Basic(BasicAuth),
    /// `Authorization: Bearer <token>`, whatever the mode.
    Bearer(Text),
    /// The token in the transport the mode uses.
    Token(Text),
    /// The token in the transport the mode does not use.
    TokenElsewhere(Text),
    Header(HeaderAuth),
    /// A raw `Authorization` value, sent as written (for malformed ones).
    Authorization(Text),
    /// A token made at send time by the forge, signed by the run's keys.
    Jwt(JwtAuth),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtAuth {
    /// The signing key: rs256 (default), rs384, rs512, ps256, es256, noalg, rotated, outsider,
    /// attacker.
    #[serde(default)]
    pub key: Option<Spanned<String>>,
    /// The header's `alg` (default: the key's).
    #[serde(default)]
    pub alg: Option<String>,
    /// The user the token names in `sub` and `username` (templated; default: the suite's first user).
    #[serde(default)]
    pub user: Option<Text>,
    /// Header fields over the defaults; `null` removes one.
    #[serde(default)]
    pub header: BTreeMap<String, serde_json::Value>,
    /// Claims over the defaults (iss, aud, sub, username, exp +1h, iat now); `null` removes one;
    /// strings are templated; `+10m`, `-1s`, `now` are times relative to sending.
    #[serde(default)]
    pub claims: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub mutate: Option<Mutation>,
    /// The scheme word before the token (default `Bearer`).
    #[serde(default)]
    pub scheme: Option<String>,
    /// Send as the `access_token` query parameter instead of a header.
    #[serde(default)]
    pub query: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub user: Text,
    pub password: Text,
    /// The scheme word; `""` sends the bare base64 value.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Spaces between the scheme and the credentials (default 1).
    #[serde(default)]
    pub spaces: Option<u8>,
    /// What joins user and password before encoding (default `:`).
    #[serde(default)]
    pub separator: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderAuth {
    pub name: Text,
    pub value: Text,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub status: Option<Spanned<StatusSpec>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<HeaderSpec>>,
    #[serde(default)]
    pub body: Option<BodySpec>,
    /// Status and body equal to another case's answer (in the same mode).
    #[serde(default)]
    pub same_as: Option<Text>,
    /// Status, headers other than `Date` and body equal to another case's answer.
    #[serde(default)]
    pub indistinguishable_from: Option<Text>,
    /// Headers `indistinguishable_from` does not compare, besides `Date`.
    #[serde(default)]
    pub ignore_headers: Vec<String>,
    /// Generated credentials sent to this case's request: never 2xx, never 5xx, never no answer.
    #[serde(default)]
    pub fuzz: Option<FuzzSpec>,
    /// A `WWW-Authenticate` challenge the answer must carry.
    #[serde(default)]
    pub challenge: Option<ChallengeSpec>,
    /// The request must fail in TLS, for this cause.
    #[serde(default)]
    pub tls_error: Option<TlsError>,
    /// The mock issuer's counts since this server started, after the answer: `jwks`,
    /// `discovery`, `attacker_jwks`, `token` → `N`, `"<= N"` or `">= N"`.
    #[serde(default)]
    pub fetches: BTreeMap<String, Spanned<CountSpec>>,
    /// This case's latency must not tell it apart from another case's.
    #[serde(default)]
    pub timing: Option<TimingSpec>,
}

/// A challenge in `WWW-Authenticate` (RFC 9110 §11.6.1, RFC 6750 §3): its scheme, and parameters
/// that must be present (`present`), absent (`absent`) or equal to a value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeSpec {
    pub scheme: Text,
    #[serde(default)]
    pub realm: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// Sample this case and `like` alternately and compare the latencies (docs/scenario-format.md, Timing).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingSpec {
    pub like: Text,
    /// At most this many requests of each case (default 100, 5–500); the box test stops earlier
    /// once it has decided.
    #[serde(default)]
    pub samples: Option<Spanned<u32>>,
    /// Time all samples may take (default 20s, at most 60s).
    #[serde(default)]
    pub within: Option<Text>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CountSpec {
    Exactly(u64),
    Bound(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsError {
    UnknownIssuer,
    NameMismatch,
    Expired,
    HandshakeRefused,
    PlaintextToTls,
    TlsToPlaintext,
}

impl TlsError {
    pub fn name(self) -> &'static str {
        match self {
            TlsError::UnknownIssuer => "unknown_issuer",
            TlsError::NameMismatch => "name_mismatch",
            TlsError::Expired => "expired",
            TlsError::HandshakeRefused => "handshake_refused",
            TlsError::PlaintextToTls => "plaintext_to_tls",
            TlsError::TlsToPlaintext => "tls_to_plaintext",
        }
    }
}

/// `200`, `[401, 403]` or a class such as `4xx`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StatusSpec {
    Code(u16),
    AnyOf(Vec<u16>),
    Class(String),
}

/// `present`, `absent`, or `{equals | contains | matches: …}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HeaderSpec {
    Word(String),
    Rule(HeaderRule),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderRule {
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub contains: Option<String>,
    #[serde(default)]
    pub matches: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    #[serde(default)]
    pub contains: Vec<Text>,
    #[serde(default)]
    pub not_contains: Vec<Text>,
    #[serde(default)]
    pub equals: Option<Text>,
    /// JSON pointer → expected value.
    #[serde(default)]
    pub json: BTreeMap<String, serde_json::Value>,
}
