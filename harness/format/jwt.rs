//! Tokens as scenario files describe them: the signing keys by name and the named ways of breaking a token.

use serde::{Deserialize, Serialize};

/// Which published key (or which unpublished one) signs a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyId {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Es256,
    /// An RSA key published without `alg` (servers then assume RS256).
    NoAlg,
    /// Published only after `rotate: add`.
    Rotated,
    /// Never published: signs with a kid the issuer does publish.
    Outsider,
    /// Published only in the attacker's JWKS.
    Attacker,
}

impl KeyId {
    pub const ALL: [KeyId; 9] = [
        KeyId::Rs256,
        KeyId::Rs384,
        KeyId::Rs512,
        KeyId::Ps256,
        KeyId::Es256,
        KeyId::NoAlg,
        KeyId::Rotated,
        KeyId::Outsider,
        KeyId::Attacker,
    ];

    /// The name scenarios use, which is also the `kid`.
    pub fn name(self) -> &'static str {
        match self {
            KeyId::Rs256 => "rs256",
            KeyId::Rs384 => "rs384",
            KeyId::Rs512 => "rs512",
            KeyId::Ps256 => "ps256",
            KeyId::Es256 => "es256",
            KeyId::NoAlg => "noalg",
            KeyId::Rotated => "rotated",
            KeyId::Outsider => "outsider",
            KeyId::Attacker => "attacker",
        }
    }

    pub fn parse(name: &str) -> Option<KeyId> {
        KeyId::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The algorithm a token signed by this key states by default.
    pub fn alg(self) -> &'static str {
        match self {
            KeyId::Rs384 => "RS384",
            KeyId::Rs512 => "RS512",
            KeyId::Ps256 => "PS256",
            KeyId::Es256 => "ES256",
            _ => "RS256",
        }
    }

    /// The `kid` a token signed by this key carries by default: the outsider pretends to be rs256.
    pub fn default_kid(self) -> &'static str {
        match self {
            KeyId::Outsider => KeyId::Rs256.name(),
            other => other.name(),
        }
    }

    /// Published in the issuer's JWKS before any rotation.
    pub fn published_at_start(self) -> bool {
        !matches!(self, KeyId::Rotated | KeyId::Outsider | KeyId::Attacker)
    }
}
/// A named way of breaking a token. docs/jwt.md lists each with what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mutation {
    /// No signature; `alg` as given (default `none`).
    Unsigned,
    /// Signed, then the signature segment emptied.
    EmptySignature,
    /// A signature of zero bytes at the right length (ES256: r = s = 0).
    ZeroSignature,
    /// HS256, keyed with the signing key's public key in PEM.
    Hs256PublicPem,
    /// HS256, keyed with the signing key's public key in DER.
    Hs256PublicDer,
    /// HS256, keyed with the public key's PEM without its trailing newline.
    Hs256PublicPemNoNewline,
    /// HS256, keyed with the text of the public JWK's `n` (RSA keys).
    Hs256PublicJwkN,
    /// Signed, then a claim changed (`username`/`sub` become `mallory`).
    TamperPayload,
    /// Signed, then a header field added.
    TamperHeader,
    TwoSegments,
    FourSegments,
    EmptyPayloadSegment,
    /// `=` padding on every segment.
    Padded,
    /// Standard base64 (`+`, `/`) characters in the signature.
    NonBase64url,
    /// A space inside the token.
    Spaces,
    HeaderNotJson,
    PayloadNotJson,
    PayloadNotObject,
    /// `aud` twice in the payload: first another audience, then the right one.
    DuplicateClaim,
    /// RFC 7515 §7.2 JSON serialization instead of compact.
    JsonSerialization,
    /// The attacker's public key embedded as `jwk`, signed by the attacker.
    EmbeddedJwk,
    /// `jku` naming the attacker's JWKS, signed by the attacker.
    JkuAttacker,
    /// `x5u` naming the attacker's JWKS, signed by the attacker.
    X5uAttacker,
    /// `crit` naming an extension no server knows.
    CritUnknown,
    /// A 64 KiB claim, validly signed.
    Oversized,
}

impl Mutation {
    pub const ALL: [Mutation; 25] = [
        Mutation::Unsigned,
        Mutation::EmptySignature,
        Mutation::ZeroSignature,
        Mutation::Hs256PublicPem,
        Mutation::Hs256PublicDer,
        Mutation::Hs256PublicPemNoNewline,
        Mutation::Hs256PublicJwkN,
        Mutation::TamperPayload,
        Mutation::TamperHeader,
        Mutation::TwoSegments,
        Mutation::FourSegments,
        Mutation::EmptyPayloadSegment,
        Mutation::Padded,
        Mutation::NonBase64url,
        Mutation::Spaces,
        Mutation::HeaderNotJson,
        Mutation::PayloadNotJson,
        Mutation::PayloadNotObject,
        Mutation::DuplicateClaim,
        Mutation::JsonSerialization,
        Mutation::EmbeddedJwk,
        Mutation::JkuAttacker,
        Mutation::X5uAttacker,
        Mutation::CritUnknown,
        Mutation::Oversized,
    ];

    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Mutations that sign with the attacker's key whatever key the spec names.
    pub fn attacker_signs(self) -> bool {
        matches!(
            self,
            Mutation::EmbeddedJwk | Mutation::JkuAttacker | Mutation::X5uAttacker
        )
    }
}

/// The `alg` values a forged token may state while being signed by a key of the ring.
pub const SIGNING_ALGS: [&str; 7] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
];
