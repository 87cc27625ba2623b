//! A case's expectations: status, headers, body, JSON, challenge, timing, issuer counts, TLS errors.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::*;

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
    /// A 2xx answer must not carry that case's content (its body, when it answered 2xx): the
    /// request reached what the other case's credentials opened without them.
    #[serde(default)]
    pub not_content_of: Option<Text>,
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
