//! Auth bugs seen in the wild that the reference server can be given, one at a time, to show that
//! the suites catch them (`authconform mutants`). Never on in `run` or `serve`; `serve
//! --debug-with-flaw` switches one on by hand.

use std::str::FromStr;

/// Which answer a flaw lets through: a security hole (`must`) or RFC hygiene (`should`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impact {
    Must,
    Should,
}

macro_rules! flaws {
    ($( $variant:ident, $name:literal, $impact:ident, [$($dialect:literal),+], $what:literal; )+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Flaw { $($variant,)+ }

        impl Flaw {
            pub const ALL: &'static [Flaw] = &[$(Flaw::$variant,)+];

            pub fn name(self) -> &'static str {
                match self { $(Flaw::$variant => $name,)+ }
            }

            pub fn impact(self) -> Impact {
                match self { $(Flaw::$variant => Impact::$impact,)+ }
            }

            /// The dialects whose reference server has this flaw when asked.
            pub fn dialects(self) -> &'static [&'static str] {
                match self { $(Flaw::$variant => &[$($dialect),+],)+ }
            }

            pub fn description(self) -> &'static str {
                match self { $(Flaw::$variant => $what,)+ }
            }
        }
    };
}

flaws! {
    ProtectedLeftPublic, "protected-left-public", Must, ["chroma", "weaviate", "generic", "http-basic", "bearer", "api-key"],
        "a protected endpoint answers without credentials";
    UnlistedRouteOpen, "unlisted-route-open", Must, ["chroma"],
        "a route no dialect table lists (the tenant's database list) answers without credentials";
    DoubleSlashOpen, "double-slash-open", Must, ["bearer", "api-key"],
        "a protected path written with a doubled slash reaches its content without the auth check";
    PublicProtected, "public-protected", Must, ["chroma", "weaviate", "generic"],
        "a public endpoint (heartbeat, live) asks for credentials";
    AnyPasswordForKnownUser, "any-password-for-known-user", Must, ["chroma", "cratedb", "http-basic"],
        "a known user gets in with any password";
    EmptyPasswordAccepted, "empty-password-accepted", Must, ["chroma", "cratedb", "http-basic"],
        "an empty password is accepted for a known user";
    DesTruncation, "des-truncation", Must, ["http-basic"],
        "htpasswd entries are DES crypt, which reads only the first 8 characters of a password";
    UnknownUserDistinct, "unknown-user-distinct", Must, ["chroma", "cratedb", "http-basic"],
        "an unknown user is refused with another status or body than a wrong password";
    UnknownUserFast, "unknown-user-fast", Should, ["chroma", "cratedb", "http-basic"],
        "an unknown user is refused at once, without the password check: timing tells users apart";
    TokenPrefixMatch, "token-prefix-match", Must, ["chroma", "weaviate", "bearer", "api-key"],
        "a token is compared by prefix: its first half is enough";
    TokenCaseInsensitive, "token-case-insensitive", Must, ["chroma", "weaviate", "bearer", "api-key"],
        "a token is compared ignoring case";
    TokenWrongTransport, "token-wrong-transport", Must, ["chroma"],
        "a token is accepted from the transport the mode does not use";
    ReadOnlyMayWrite, "read-only-may-write", Must, ["weaviate"],
        "a read-only user may create and delete";
    ScopeIgnored, "scope-ignored", Must, ["weaviate"],
        "RBAC: a data or collection permission for one collection applies to every collection";
    WildcardTooWide, "wildcard-too-wide", Must, ["weaviate"],
        "RBAC: a collection pattern with `*` (Alpha*) matches every collection";
    SelfAssignmentAllowed, "self-assignment-allowed", Must, ["weaviate"],
        "RBAC: any user may assign any role, root included, to anyone (themselves too)";
    RevocationCached, "revocation-cached", Must, ["weaviate"],
        "RBAC: a user's permissions are cached at first use; a revoked role keeps working";
    PrivilegesIgnored, "privileges-ignored", Must, ["cratedb"],
        "privileges are not checked: every authenticated user may run any statement, as the superuser";
    DenyIgnored, "deny-ignored", Must, ["cratedb"],
        "DENY entries are passed over: a table-level DENY under a schema-level GRANT lets the user in";
    TableExistenceLeaked, "table-existence-leaked", Must, ["cratedb"],
        "a refused statement on a table the user may not see says 'missing privilege', a missing table 'unknown': existence leaks";
    RbacIgnored, "rbac-ignored", Must, ["chroma"],
        "SimpleRBAC is configured but every authenticated user may do anything";
    AnonymousAlwaysOn, "anonymous-always-on", Must, ["weaviate"],
        "anonymous access is on whatever the settings say";
    ApiKeyTrimmed, "api-key-trimmed", Should, ["weaviate"],
        "an API key with surrounding spaces is trimmed and accepted";
    TrustWherePassword, "trust-where-password", Must, ["cratedb"],
        "the password method behaves as trust: the user named is believed";
    CertCnIgnored, "cert-cn-ignored", Must, ["cratedb"],
        "the client certificate's CN is not compared with the user";
    HbaNumericOrder, "hba-numeric-order", Should, ["cratedb"],
        "host-based entries are ordered by number, not as strings";
    MalformedHeader500, "malformed-header-500", Should, ["chroma", "weaviate", "generic"],
        "a malformed Authorization header is answered 500";
    AlgNoneAccepted, "alg-none-accepted", Must, ["generic", "cratedb", "weaviate"],
        "a token with alg none and no signature is accepted";
    HmacWithPublicKey, "hmac-with-public-key", Must, ["generic", "cratedb", "weaviate"],
        "HS256 tokens are verified with the RSA public key as the secret (key confusion)";
    AlgMismatchIgnored, "alg-mismatch-ignored", Must, ["generic", "cratedb"],
        "a token's alg need not match the JWK's";
    ExpIgnored, "exp-ignored", Must, ["generic", "cratedb", "weaviate"],
        "expired tokens are accepted";
    NoExpAccepted, "no-exp-accepted", Must, ["generic", "weaviate"],
        "a token without exp is accepted (it never expires)";
    FutureIatAccepted, "future-iat-accepted", Should, ["generic", "cratedb"],
        "a token issued in the future (iat ahead of the clock) is accepted";
    AudSubstring, "aud-substring", Must, ["generic", "cratedb", "weaviate"],
        "aud is compared as a substring: an audience that contains ours, or is contained in it, passes";
    JwksTlsUnverified, "jwks-tls-unverified", Must, ["generic"],
        "the JWKS is fetched over HTTPS without verifying the issuer's certificate";
    GenerousLeeway, "generous-leeway", Must, ["generic", "cratedb", "weaviate"],
        "five minutes of clock leeway on exp, nbf and iat";
    NbfIgnored, "nbf-ignored", Must, ["generic", "cratedb", "weaviate"],
        "tokens not yet valid are accepted";
    AudIgnored, "aud-ignored", Must, ["generic", "cratedb", "weaviate"],
        "tokens for another audience are accepted";
    TokenCacheShared, "token-cache-shared", Must, ["generic"],
        "tokens accepted at one location are cached and accepted at every other, whatever its policy";
    IssPrefix, "iss-prefix", Must, ["generic", "weaviate"],
        "iss is compared by prefix and case-insensitively: the issuer with a suffix or in capitals passes";
    IssIgnored, "iss-ignored", Must, ["generic", "weaviate"],
        "tokens from another issuer are accepted";
    UnknownKidAnyKey, "unknown-kid-any-key", Must, ["generic", "cratedb"],
        "a token whose kid is unknown is checked against every key";
    JkuFollowed, "jku-followed", Must, ["generic"],
        "keys are fetched from the URL in the token's jku header";
    JwksFailOpen, "jwks-fail-open", Must, ["generic", "cratedb"],
        "when the key set cannot be fetched, the token's claims are believed";
    JwksNeverRefetched, "jwks-never-refetched", Should, ["generic", "weaviate"],
        "the key set is fetched once and never again, so a rotated key is never known";
    CritIgnored, "crit-ignored", Should, ["generic"],
        "a crit header naming an unknown extension is ignored";
    EchoesCredentials, "echoes-credentials", Must, ["chroma"],
        "a refusal quotes the credential it refused back to the client";
}

impl Flaw {
    pub fn applies_to(self, dialect: &str) -> bool {
        self.dialects().contains(&dialect)
    }
}

/// A name that is no flaw of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no flaw {name:?} (flaws: {})", Flaw::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "))]
pub struct UnknownFlaw {
    pub name: String,
}

impl FromStr for Flaw {
    type Err = UnknownFlaw;

    fn from_str(text: &str) -> Result<Flaw, UnknownFlaw> {
        Flaw::ALL
            .iter()
            .copied()
            .find(|f| f.name() == text)
            .ok_or_else(|| UnknownFlaw {
                name: text.to_owned(),
            })
    }
}

/// The flaws a server was given; empty in every normal run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flaws(Vec<Flaw>);

impl Flaws {
    pub fn new(flaws: &[Flaw]) -> Flaws {
        Flaws(flaws.to_vec())
    }

    pub fn has(&self, flaw: Flaw) -> bool {
        self.0.contains(&flaw)
    }

    pub fn list(&self) -> &[Flaw] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_large_named_uniquely_and_parses_back() {
        assert!(Flaw::ALL.len() >= 25);
        let mut names: Vec<_> = Flaw::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Flaw::ALL.len());
        for flaw in Flaw::ALL {
            assert_eq!(flaw.name().parse::<Flaw>().unwrap(), *flaw);
            assert!(!flaw.dialects().is_empty() && !flaw.description().is_empty());
        }
        assert!("no-such-flaw".parse::<Flaw>().is_err());
    }
}
