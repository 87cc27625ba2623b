//! Any resource server that validates bearer JWTs from an issuer it is told about: a public and a
//! protected path (a target file may move both).

use super::{CredentialStore, Endpoint, Mode, TokenTransport};

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint::public("public", "GET", "/public"),
    Endpoint::protected("protected", "GET", "/protected", None),
];

pub const MODES: &[Mode] = &[Mode {
    name: "jwt",
    summary: "bearer JWTs signed by the run's mock issuer; the target learns the issuer, JWKS URL and audience",
    store: CredentialStore::Settings,
    token_transport: Some((
        TokenTransport::AuthorizationBearer,
        TokenTransport::Query("access_token"),
    )),
    needs_issuer: true,
}];
