//! A case's request: endpoint or path, headers, body, TLS set-up and credentials.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::*;

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
    /// The endpoint's path written another way (`double-slash-start`, `dot-segment`, …), sent
    /// byte for byte: docs/sweep.md § Path confusion.
    #[serde(default)]
    pub variant: Option<Spanned<crate::confusion::PathVariant>>,
    /// Send the method, path and headers byte for byte over plain HTTP, never normalised (`/./`,
    /// `%2e` and `#` stay as written).
    #[serde(default)]
    pub raw: bool,
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
