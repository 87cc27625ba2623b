//! Weaviate 1.x (`../shared/spec/weaviate.md`): REST routes and the API-key / anonymous / admin-list
//! configurations.

use super::{CredentialStore, Endpoint, Mode, TokenTransport};

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint::public("live", "GET", "/v1/.well-known/live"),
    Endpoint::public("ready", "GET", "/v1/.well-known/ready"),
    Endpoint::public(
        "openid_configuration",
        "GET",
        "/v1/.well-known/openid-configuration",
    ),
    Endpoint::public("root", "GET", "/v1"),
    Endpoint::protected("meta", "GET", "/v1/meta", None),
    Endpoint::protected("schema_get", "GET", "/v1/schema", None),
    Endpoint::protected(
        "schema_create",
        "POST",
        "/v1/schema",
        Some(r#"{"class":"Authconform","properties":[]}"#),
    ),
    Endpoint::protected("objects_list", "GET", "/v1/objects", None),
    Endpoint::protected(
        "objects_create",
        "POST",
        "/v1/objects",
        Some(r#"{"class":"Authconform","properties":{}}"#),
    ),
    Endpoint::protected(
        "object_delete",
        "DELETE",
        "/v1/objects/Authconform/00000000-0000-0000-0000-000000000001",
        None,
    ),
];

const KEYS: Option<(TokenTransport, TokenTransport)> = Some((
    TokenTransport::AuthorizationBearer,
    TokenTransport::Query("access_token"),
));

pub const MODES: &[Mode] = &[
    Mode {
        name: "apikey",
        summary: "API keys, one user per key by position; anonymous access off",
        store: CredentialStore::Settings,
        token_transport: KEYS,
        needs_issuer: false,
    },
    Mode {
        name: "apikey-anonymous",
        summary: "API keys with anonymous access on",
        store: CredentialStore::Settings,
        token_transport: KEYS,
        needs_issuer: false,
    },
    Mode {
        name: "anonymous",
        summary: "no authentication method configured: anonymous access only",
        store: CredentialStore::Settings,
        token_transport: None,
        needs_issuer: false,
    },
    Mode {
        name: "adminlist",
        summary: "API keys and the admin list (users with role admin or read-only); anonymous off",
        store: CredentialStore::Settings,
        token_transport: KEYS,
        needs_issuer: false,
    },
    Mode {
        name: "oidc",
        summary: "OIDC against the run's mock issuer (AUTHENTICATION_OIDC_JWKS_URL set), anonymous access off",
        store: CredentialStore::Settings,
        token_transport: Some((
            TokenTransport::AuthorizationBearer,
            TokenTransport::Query("access_token"),
        )),
        needs_issuer: true,
    },
    Mode {
        name: "oidc-discovery",
        summary: "OIDC against the run's mock issuer found by discovery at start-up (no JWKS URL set), anonymous access off",
        store: CredentialStore::Settings,
        token_transport: Some((
            TokenTransport::AuthorizationBearer,
            TokenTransport::Query("access_token"),
        )),
        needs_issuer: true,
    },
];
