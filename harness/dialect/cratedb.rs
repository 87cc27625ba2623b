//! CrateDB (`../shared/spec/cratedb.md`): the HTTP endpoint and host-based authentication
//! configurations.

use super::{CredentialStore, Endpoint, Mode, TokenTransport};

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint::protected("root", "GET", "/", None),
    Endpoint::protected(
        "sql",
        "POST",
        "/_sql",
        Some(r#"{"stmt":"SELECT CURRENT_USER"}"#),
    ),
];

pub const MODES: &[Mode] = &[
    Mode {
        name: "trust",
        summary: "host-based auth on, one entry with method trust",
        store: CredentialStore::Settings,
        token_transport: None,
        needs_issuer: false,
    },
    Mode {
        name: "password",
        summary: "host-based auth on, one entry with method password (PBKDF2-HMAC-SHA512)",
        store: CredentialStore::Settings,
        token_transport: None,
        needs_issuer: false,
    },
    Mode {
        name: "cert",
        summary: "host-based auth on, one entry with method cert and ssl on (client certificate CN = user)",
        store: CredentialStore::Settings,
        token_transport: None,
        needs_issuer: false,
    },
    Mode {
        name: "hba",
        summary: "host-based auth with the entries the suite gives under fixtures.settings",
        store: CredentialStore::Settings,
        token_transport: None,
        needs_issuer: false,
    },
    Mode {
        name: "jwt",
        summary: "host-based auth on, one entry with method jwt (protocol http); users carry jwt properties naming the run's mock issuer",
        store: CredentialStore::Settings,
        token_transport: Some((
            TokenTransport::AuthorizationBearer,
            TokenTransport::Query("access_token"),
        )),
        needs_issuer: true,
    },
];
