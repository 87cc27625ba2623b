//! Chroma 0.5.4–0.6.x (`../shared/spec/chroma.md`): the Python server's routes and auth providers.

use super::{CredentialStore, Endpoint, Mode, TokenTransport};

const COLLECTIONS: &str = "/api/v2/tenants/default_tenant/databases/default_database/collections";

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint::public("root", "GET", "/api/v2"),
    Endpoint::public("root_v1", "GET", "/api/v1"),
    Endpoint::public("heartbeat", "GET", "/api/v2/heartbeat"),
    Endpoint::public("heartbeat_v1", "GET", "/api/v1/heartbeat"),
    Endpoint::public("version", "GET", "/api/v2/version"),
    Endpoint::public("version_v1", "GET", "/api/v1/version"),
    Endpoint::public("pre_flight", "GET", "/api/v2/pre-flight-checks"),
    Endpoint::protected("identity", "GET", "/api/v2/auth/identity", None),
    Endpoint::protected("get_tenant", "GET", "/api/v2/tenants/default_tenant", None),
    Endpoint::protected(
        "get_database",
        "GET",
        "/api/v2/tenants/default_tenant/databases/default_database",
        None,
    ),
    Endpoint::protected("list_collections", "GET", COLLECTIONS, None),
    Endpoint::protected(
        "count_collections",
        "GET",
        "/api/v2/tenants/default_tenant/databases/default_database/collections_count",
        None,
    ),
    Endpoint::protected(
        "create_collection",
        "POST",
        COLLECTIONS,
        Some(r#"{"name":"authconform","get_or_create":true}"#),
    ),
    Endpoint::protected("reset", "POST", "/api/v2/reset", None),
];

pub const X_CHROMA_TOKEN: &str = "X-Chroma-Token";

/// The mode with SimpleRBAC on top of the token users file.
pub const RBAC_MODE: &str = "token-rbac";

pub const MODES: &[Mode] = &[
    Mode {
        name: "basic",
        summary: "BasicAuthenticationServerProvider with an htpasswd file of bcrypt hashes",
        store: CredentialStore::Htpasswd,
        token_transport: None,
        needs_issuer: false,
    },
    Mode {
        name: "token",
        summary: "TokenAuthenticationServerProvider, one token, sent as Authorization: Bearer",
        store: CredentialStore::SingleToken,
        token_transport: Some((
            TokenTransport::AuthorizationBearer,
            TokenTransport::Header(X_CHROMA_TOKEN),
        )),
        needs_issuer: false,
    },
    Mode {
        name: "token-x-chroma",
        summary: "TokenAuthenticationServerProvider, one token, sent as X-Chroma-Token",
        store: CredentialStore::SingleToken,
        token_transport: Some((
            TokenTransport::Header(X_CHROMA_TOKEN),
            TokenTransport::AuthorizationBearer,
        )),
        needs_issuer: false,
    },
    Mode {
        name: "token-users",
        summary: "TokenAuthenticationServerProvider with a users file (several users and tokens), Bearer",
        store: CredentialStore::TokenUsers,
        token_transport: Some((
            TokenTransport::AuthorizationBearer,
            TokenTransport::Header(X_CHROMA_TOKEN),
        )),
        needs_issuer: false,
    },
    Mode {
        name: RBAC_MODE,
        summary: "token users file with SimpleRBAC: roles_mapping and a role per user (the same file)",
        store: CredentialStore::TokenUsers,
        token_transport: Some((
            TokenTransport::AuthorizationBearer,
            TokenTransport::Header(X_CHROMA_TOKEN),
        )),
        needs_issuer: false,
    },
];
