//! The mock issuer as scenario files change and count it: its paths, answers and template names.

use serde::Deserialize;

use crate::tls::ServerCert;

pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// Where CrateDB (through auth0's `UrlJwkProvider`) looks for the keys of an issuer.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
pub const ATTACKER_JWKS_PATH: &str = "/attacker/jwks.json";
pub const TOKEN_PATH: &str = "/token";

/// The counted paths, by the names scenarios use.
pub const COUNTED: [(&str, &str); 4] = [
    ("discovery", DISCOVERY_PATH),
    ("jwks", JWKS_PATH),
    ("attacker_jwks", ATTACKER_JWKS_PATH),
    ("token", TOKEN_PATH),
];

/// How the JWKS endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JwksAnswer {
    /// The published keys.
    #[default]
    Keys,
    /// `{"keys": []}`.
    Empty,
    /// 500 with a plain-text body.
    Fail,
    /// 200 with bytes that are not JSON.
    Garbage,
}

/// A suite's `issuer:` block, or a case's changes to it (every field optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerChange {
    #[serde(default)]
    pub jwks: Option<JwksAnswer>,
    /// `Cache-Control` on JWKS answers; `""` sends none.
    #[serde(default)]
    pub cache_control: Option<String>,
    /// Every answer this late (e.g. `2s`).
    #[serde(default)]
    pub delay: Option<String>,
    /// `add`: publish the `rotated` key; `remove`: withdraw `rs256`.
    #[serde(default)]
    pub rotate: Option<Rotate>,
    /// A suite's issuer only: serve over HTTPS with this certificate of the TLS lab; the target is
    /// given the `https://` URLs and the lab's CA.
    #[serde(default)]
    pub tls: Option<ServerCert>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rotate {
    Add,
    Remove,
}

/// The run's mock issuer as scenario and launch templates name it.
pub const JWT_TEMPLATE_VALUES: &[&str] = &[
    "issuer.url",
    "jwks.url",
    "jwks.attacker_url",
    "jwks.ca_file",
    "jwt.aud",
    "jwt.client_id",
    "jwt.client_secret",
];
