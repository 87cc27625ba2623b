//! What each server family looks like from outside: its named endpoints and its auth modes.
//! Scenarios name endpoints and modes from these tables; targets may override the paths.

pub mod chroma;
pub mod cratedb;
pub mod generic;
pub mod weaviate;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Chroma,
    Weaviate,
    Cratedb,
    Generic,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Chroma => "chroma",
            Dialect::Weaviate => "weaviate",
            Dialect::Cratedb => "cratedb",
            Dialect::Generic => "generic",
        }
    }

    pub fn endpoints(self) -> &'static [Endpoint] {
        match self {
            Dialect::Chroma => chroma::ENDPOINTS,
            Dialect::Weaviate => weaviate::ENDPOINTS,
            Dialect::Cratedb => cratedb::ENDPOINTS,
            Dialect::Generic => generic::ENDPOINTS,
        }
    }

    pub fn endpoint(self, name: &str) -> Option<&'static Endpoint> {
        self.endpoints().iter().find(|e| e.name == name)
    }

    pub fn modes(self) -> &'static [Mode] {
        match self {
            Dialect::Chroma => chroma::MODES,
            Dialect::Weaviate => weaviate::MODES,
            Dialect::Cratedb => cratedb::MODES,
            Dialect::Generic => generic::MODES,
        }
    }

    pub fn mode(self, name: &str) -> Option<&'static Mode> {
        self.modes().iter().find(|m| m.name == name)
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A named request a scenario can make without spelling out the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// A JSON body sent when the scenario gives none.
    pub body: Option<&'static str>,
    /// Public endpoints answer without credentials in every mode.
    pub public: bool,
}

impl Endpoint {
    pub const fn public(name: &'static str, method: &'static str, path: &'static str) -> Endpoint {
        Endpoint {
            name,
            method,
            path,
            body: None,
            public: true,
        }
    }

    pub const fn protected(
        name: &'static str,
        method: &'static str,
        path: &'static str,
        body: Option<&'static str>,
    ) -> Endpoint {
        Endpoint {
            name,
            method,
            path,
            body,
            public: false,
        }
    }
}

/// Where a token travels when a case sends `auth: {token: …}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TokenTransport {
    /// `Authorization: Bearer <token>`
    AuthorizationBearer,
    /// `<header>: <token>`, raw.
    Header(&'static str),
    /// `?<name>=<token>` in the query string.
    Query(&'static str),
}

/// How credentials are stored on the server side in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialStore {
    /// An htpasswd file of bcrypt hashes, one line per fixture user.
    Htpasswd,
    /// One token, no user names (the server calls its holder `anonymous`).
    SingleToken,
    /// Several users, each with its tokens.
    TokenUsers,
    /// `NAME=value` settings the server reads at start (environment or configuration file), made
    /// from the fixtures by the dialect's rules for the mode.
    Settings,
}

/// One way a server of a dialect can be configured to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub name: &'static str,
    pub summary: &'static str,
    pub store: CredentialStore,
    /// The transport of `auth: {token: …}` and the other one, used by `auth: {token_elsewhere: …}`.
    pub token_transport: Option<(TokenTransport, TokenTransport)>,
    /// The server validates bearer JWTs from the run's mock issuer, which starts before it.
    pub needs_issuer: bool,
}
