//! What each server family looks like from outside: its named endpoints and its auth modes, read
//! from its profile ([`profile`]). Scenarios name endpoints and modes from these tables; targets
//! may override the paths and add endpoints.

pub mod profile;

use serde::{Deserialize, Serialize};

/// A server family: a handle on its profile, loaded once for the life of the process.
#[derive(Clone, Copy)]
pub struct Dialect(pub(crate) &'static Profile);

/// A dialect's profile, as [`profile::build`] made it.
#[derive(Debug)]
pub struct Profile {
    pub name: &'static str,
    pub description: &'static str,
    /// The profile this one builds on; suites of that dialect run on targets of this one.
    pub extends: Option<Dialect>,
    /// The embedded reference server implementing the profile.
    pub reference: Option<&'static str>,
    /// The endpoint the readiness probe asks for.
    pub ready: Option<&'static str>,
    /// The path of the OpenAPI 3 document servers of this dialect serve, for sweeps.
    pub openapi: Option<&'static str>,
    /// The statuses a refusal may have, and its challenge scheme.
    pub refusal_status: &'static [u16],
    pub refusal_challenge: Option<&'static str>,
    /// Response headers (lower case) that may echo the user name sent.
    pub echo_headers: &'static [&'static str],
    pub endpoints: &'static [Endpoint],
    pub modes: &'static [Mode],
    /// The file a user's profile came from; `None` for a built-in one.
    pub source: Option<std::path::PathBuf>,
}

impl Dialect {
    /// A built-in or loaded dialect by name.
    pub fn named(name: &str) -> Option<Dialect> {
        profile::find(name)
    }

    /// The built-in dialect `name`; panics when there is none (for code that names one of its own).
    pub fn builtin(name: &str) -> Dialect {
        Dialect::named(name).unwrap_or_else(|| panic!("no built-in dialect {name}"))
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn profile(self) -> &'static Profile {
        self.0
    }

    pub fn endpoints(self) -> &'static [Endpoint] {
        self.0.endpoints
    }

    pub fn endpoint(self, name: &str) -> Option<&'static Endpoint> {
        self.endpoints().iter().find(|e| e.name == name)
    }

    pub fn modes(self) -> &'static [Mode] {
        self.0.modes
    }

    pub fn mode(self, name: &str) -> Option<&'static Mode> {
        self.modes().iter().find(|m| m.name == name)
    }

    /// The reference server that implements this dialect, if the binary has one.
    pub fn reference(self) -> Option<&'static str> {
        self.0.reference
    }

    /// Whether suites written for `other` run on targets of this dialect: the same one, or one it
    /// extends (directly or through its parents).
    pub fn speaks(self, other: Dialect) -> bool {
        let mut at = Some(self);
        while let Some(d) = at {
            if d == other {
                return true;
            }
            at = d.0.extends;
        }
        false
    }
}

impl PartialEq for Dialect {
    fn eq(&self, other: &Dialect) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Dialect {}

impl std::hash::Hash for Dialect {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl PartialOrd for Dialect {
    fn partial_cmp(&self, other: &Dialect) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dialect {
    fn cmp(&self, other: &Dialect) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl std::fmt::Debug for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dialect({})", self.name())
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Dialect {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Dialect {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dialect, D::Error> {
        let name = String::deserialize(d)?;
        Dialect::named(&name).ok_or_else(|| {
            let known: Vec<&str> = profile::all().iter().map(|d| d.name()).collect();
            serde::de::Error::custom(format!(
                "unknown dialect `{name}`, expected one of {}",
                known.join(", ")
            ))
        })
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
    /// Headers sent with every request to the endpoint, unless the case sets the same one.
    pub headers: &'static [(&'static str, &'static str)],
    /// Public endpoints answer without credentials in every mode.
    pub public: bool,
    /// What the endpoint does, for access matrices that do not say.
    pub class: Option<VerbClass>,
}

/// Where a token travels when a case sends `auth: {token: …}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TokenTransport {
    /// `Authorization: Bearer <token>`
    AuthorizationBearer,
    /// `<header>: <token>`, raw.
    Header(&'static str),
    /// `<header>: <prefix><token>`, e.g. `Authorization: ApiKey <token>`.
    Prefixed(&'static str, &'static str),
    /// `?<name>=<token>` in the query string.
    Query(&'static str),
}

/// How credentials travel in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    /// `Authorization: Basic` (or the server's own user and password check).
    Basic,
    /// A static token or key, where the mode's `token` transport says.
    Token,
    /// A bearer JWT from the run's mock issuer.
    Jwt,
    /// A client certificate from the run's test CA.
    ClientCert,
    /// No credentials: the server trusts whoever connects.
    Trust,
}

/// How credentials are stored on the server side in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialStore {
    /// An htpasswd file, one line per fixture user.
    Htpasswd,
    /// One token, no user names (the server calls its holder `anonymous`).
    SingleToken,
    /// Several users, each with its tokens.
    TokenUsers,
    /// `NAME=value` settings the server reads at start (environment or configuration file), made
    /// from the fixtures by the dialect's rules for the mode.
    Settings,
}

impl CredentialStore {
    pub fn name(self) -> &'static str {
        match self {
            CredentialStore::Htpasswd => "htpasswd",
            CredentialStore::SingleToken => "single-token",
            CredentialStore::TokenUsers => "token-users",
            CredentialStore::Settings => "settings",
        }
    }
}

/// What an endpoint does, in an access matrix: read, write or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerbClass {
    Read,
    Write,
    Delete,
}

impl VerbClass {
    pub fn name(self) -> &'static str {
        match self {
            VerbClass::Read => "read",
            VerbClass::Write => "write",
            VerbClass::Delete => "delete",
        }
    }
}

/// One way a server of a dialect can be configured to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub name: &'static str,
    pub summary: &'static str,
    pub credentials: CredentialKind,
    pub store: CredentialStore,
    /// The transport of `auth: {token: …}` and the other one, used by `auth: {token_elsewhere: …}`.
    pub token_transport: Option<(TokenTransport, TokenTransport)>,
    /// The server validates bearer JWTs from the run's mock issuer, which starts before it.
    pub needs_issuer: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_load_with_their_tables() {
        let chroma = Dialect::builtin("chroma");
        assert_eq!(
            chroma.endpoint("identity").unwrap().path,
            "/api/v2/auth/identity"
        );
        assert!(!chroma.endpoint("identity").unwrap().public);
        let x = chroma.mode("token-x-chroma").unwrap();
        assert_eq!(
            x.token_transport,
            Some((
                TokenTransport::Header("X-Chroma-Token"),
                TokenTransport::AuthorizationBearer
            ))
        );
        assert!(
            Dialect::builtin("weaviate")
                .mode("oidc")
                .unwrap()
                .needs_issuer
        );
        assert!(
            !Dialect::builtin("cratedb")
                .mode("password")
                .unwrap()
                .needs_issuer
        );
        for name in ["chroma", "weaviate", "cratedb", "generic", "http-basic"] {
            assert!(Dialect::named(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_token_place_moves_the_key_of_token_modes_only() {
        let api_key = Dialect::builtin("api-key");
        let place: profile::TransportFile =
            serde_saphyr::from_str("{ header: Authorization, prefix: \"ApiKey \" }").unwrap();
        let moved = profile::with_token_place(api_key, &place).unwrap();
        assert_eq!(moved, api_key, "same name: the api-key suites run on it");
        assert!(moved.speaks(api_key));
        assert_eq!(
            moved.mode("api-key").unwrap().token_transport,
            Some((
                TokenTransport::Prefixed("Authorization", "ApiKey "),
                TokenTransport::Query("api_key")
            ))
        );
        assert_eq!(
            api_key.mode("api-key").unwrap().token_transport.unwrap().0,
            TokenTransport::Header("X-API-Key"),
            "the built-in profile is untouched"
        );
        let query: profile::TransportFile = serde_saphyr::from_str("{ query: api_key }").unwrap();
        let moved = profile::with_token_place(api_key, &query).unwrap();
        assert_eq!(
            moved.mode("api-key").unwrap().token_transport,
            Some((
                TokenTransport::Query("api_key"),
                TokenTransport::AuthorizationBearer
            )),
            "the elsewhere place moves off the new one"
        );
        let err = profile::with_token_place(Dialect::builtin("http-basic"), &query).unwrap_err();
        assert!(
            err.to_string().contains("no mode that takes a token"),
            "{err}"
        );
    }

    #[test]
    fn a_profile_extends_another_and_speaks_its_suites() {
        let text = "name: my-proxy\nextends: http-basic\nendpoints:\n  - { name: data, path: /data, access: protected }\n  - { name: whoami, path: /me, access: protected }\n";
        let file: profile::ProfileFile = serde_saphyr::from_str(text).unwrap();
        let built = profile::build(file, &[Dialect::builtin("http-basic").0], None).unwrap();
        let mine = Dialect(built);
        assert!(mine.speaks(Dialect::builtin("http-basic")));
        assert!(!Dialect::builtin("http-basic").speaks(mine));
        assert_eq!(mine.endpoint("whoami").unwrap().path, "/me");
        assert!(
            mine.endpoint("health").is_none(),
            "listed endpoints replace the parent's"
        );
        assert_eq!(mine.mode("basic").unwrap().store, CredentialStore::Htpasswd);
    }

    #[test]
    fn bad_profiles_say_what_is_wrong() {
        let cases = [
            ("name: Bad Name\nmodes: []\n", "lower case"),
            ("name: x\nextends: nope\n", "names no known dialect"),
            ("name: x\nmodes: []\n", "at least one mode"),
            (
                "name: x\nready: nope\nmodes:\n  - {name: m, credentials: basic, store: htpasswd}\n",
                "names no endpoint",
            ),
            (
                "name: x\nendpoints:\n  - {name: e, path: nope, access: public}\nmodes:\n  - {name: m, credentials: basic, store: htpasswd}\n",
                "must start with `/`",
            ),
            (
                "name: x\nmodes:\n  - {name: m, credentials: token, store: settings, token: {header: \"a b\"}}\n",
                "not a header name",
            ),
        ];
        for (text, want) in cases {
            let file: profile::ProfileFile = serde_saphyr::from_str(text).unwrap();
            let err = profile::build(file, &[Dialect::builtin("http-basic").0], None).unwrap_err();
            assert!(err.to_string().contains(want), "{text}: {err}");
        }
    }
}
