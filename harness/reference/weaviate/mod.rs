//! Weaviate's authentication and admin-list authorization (`docs/spec/weaviate.md`), configured
//! from the same environment variables a real Weaviate reads; OIDC with a JWKS URL or by discovery.

use crate::ConfigError;
use std::sync::Arc;

use axum::Router;
use sha2::{Digest, Sha256};

use crate::authn::ct_eq;
use crate::flaws::{Flaw, Flaws};
use crate::jwks::{CachePolicy, JwksSource};

mod authz;
mod oidc;
pub mod rbac;
mod routes;
mod settings;

use oidc::Oidc;
use routes::handle;
pub use settings::Settings;

/// Weaviate's 401: `{"code": 401, "message": …}`.
fn unauthorized(message: &str) -> axum::response::Response {
    crate::wire::json(
        axum::http::StatusCode::UNAUTHORIZED,
        serde_json::json!({"code": 401, "message": message}).to_string(),
    )
}

pub struct Weaviate {
    anonymous: bool,
    oidc: Option<Oidc>,
    /// SHA-256 of each key, with its user.
    keys: Option<Vec<([u8; 32], String)>>,
    /// The keys themselves, compared only by the flawed key checks.
    plain_keys: Vec<(String, String)>,
    flaws: Flaws,
    adminlist: Option<AdminList>,
    /// Role-based access control (`AUTHORIZATION_RBAC_ENABLED`, v1.29+).
    rbac: Option<rbac::Rbac>,
}

struct AdminList {
    admins: Vec<String>,
    read_only: Vec<String>,
}

impl Weaviate {
    /// Checks the settings the way Weaviate does at start-up.
    pub fn from_settings(settings: &Settings) -> Result<Weaviate, ConfigError> {
        let apikey = settings.enabled("AUTHENTICATION_APIKEY_ENABLED");
        let oidc = settings.enabled("AUTHENTICATION_OIDC_ENABLED");
        let anonymous_set = settings
            .values
            .contains_key("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED");
        // No method configured at all: anonymous access is on.
        let anonymous = settings.enabled("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED")
            || (!anonymous_set && !apikey && !oidc);
        let oidc = if oidc {
            Some(Oidc::from_settings(settings)?)
        } else {
            None
        };
        let mut plain_keys = Vec::new();
        let keys = if apikey {
            let keys = settings.list("AUTHENTICATION_APIKEY_ALLOWED_KEYS");
            let users = settings.list("AUTHENTICATION_APIKEY_USERS");
            if keys.is_empty() || keys.iter().any(String::is_empty) {
                return Err(ConfigError::Setting(
                    "AUTHENTICATION_APIKEY_ALLOWED_KEYS needs at least one key and no empty ones"
                        .into(),
                ));
            }
            if (1..keys.len()).any(|i| keys[..i].contains(&keys[i])) {
                return Err(ConfigError::Setting(
                    "AUTHENTICATION_APIKEY_ALLOWED_KEYS has a duplicate key".into(),
                ));
            }
            if users.is_empty() || (users.len() != 1 && users.len() != keys.len()) {
                return Err(ConfigError::Setting(
                    "AUTHENTICATION_APIKEY_USERS needs one user, or as many users as keys".into(),
                ));
            }
            let user_of = |i: usize| {
                if users.len() == 1 {
                    users[0].clone()
                } else {
                    users[i].clone()
                }
            };
            plain_keys = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), user_of(i)))
                .collect();
            Some(
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| (Sha256::digest(k.as_bytes()).into(), user_of(i)))
                    .collect(),
            )
        } else {
            None
        };
        let adminlist = if settings.enabled("AUTHORIZATION_ADMINLIST_ENABLED") {
            let admins = settings.list("AUTHORIZATION_ADMINLIST_USERS");
            let read_only = settings.list("AUTHORIZATION_ADMINLIST_READONLY_USERS");
            if let Some(both) = admins.iter().find(|a| read_only.contains(a)) {
                return Err(ConfigError::Setting(format!(
                    "user {both:?} is both admin and read-only"
                )));
            }
            Some(AdminList { admins, read_only })
        } else {
            None
        };
        let rbac = if settings.enabled("AUTHORIZATION_RBAC_ENABLED") {
            if adminlist.is_some() {
                return Err(ConfigError::Setting(
                    "AUTHORIZATION_RBAC_ENABLED and AUTHORIZATION_ADMINLIST_ENABLED are both on: Weaviate takes one authorization scheme".into(),
                ));
            }
            if anonymous {
                return Err(ConfigError::Setting(
                    "RBAC needs anonymous access off (AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false)".into(),
                ));
            }
            let viewers = settings.list("AUTHORIZATION_VIEWER_USERS");
            Some(
                rbac::Rbac::new(settings.list("AUTHORIZATION_RBAC_ROOT_USERS"), viewers)
                    .map_err(ConfigError::Setting)?,
            )
        } else {
            None
        };
        Ok(Weaviate {
            anonymous,
            oidc,
            keys,
            plain_keys,
            flaws: Flaws::default(),
            adminlist,
            rbac,
        })
    }

    /// The same server with deliberate bugs (`authconform mutants`).
    pub fn with_flaws(mut self, flaws: &Flaws) -> Result<Weaviate, ConfigError> {
        if let Some(oidc) = &mut self.oidc {
            oidc.flaws = flaws.clone();
            if flaws.has(Flaw::JwksNeverRefetched) {
                oidc.keys = JwksSource::new(oidc.keys.url.clone(), CachePolicy::Forever)?;
            }
        }
        self.anonymous |= flaws.has(Flaw::AnonymousAlwaysOn);
        if let Some(rbac) = &mut self.rbac {
            rbac.flaws = flaws.clone();
        }
        self.flaws = flaws.clone();
        Ok(self)
    }

    /// The user of an API key: SHA-256 digests compared in constant time, or the flawed way when a
    /// key flaw is on.
    fn key_user(&self, keys: &[([u8; 32], String)], token: &str) -> Option<String> {
        let flaw = |f| self.flaws.has(f);
        if flaw(Flaw::TokenPrefixMatch)
            || flaw(Flaw::TokenCaseInsensitive)
            || flaw(Flaw::ApiKeyTrimmed)
        {
            let given = if flaw(Flaw::ApiKeyTrimmed) {
                token.trim()
            } else {
                token
            };
            return self
                .plain_keys
                .iter()
                .find(|(key, _)| {
                    key == given
                        || (flaw(Flaw::TokenPrefixMatch)
                            && given.len() * 2 >= key.len()
                            && key.starts_with(given))
                        || (flaw(Flaw::TokenCaseInsensitive) && key.eq_ignore_ascii_case(given))
                })
                .map(|(_, user)| user.clone());
        }
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut user = None;
        for (known, owner) in keys {
            if ct_eq(known, &digest) && user.is_none() {
                user = Some(owner.clone());
            }
        }
        user
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }

    fn methods(&self) -> &'static str {
        match (self.keys.is_some(), self.oidc.is_some()) {
            (true, true) => "[API-keys, OIDC]",
            (true, false) => "[API-keys]",
            (false, true) => "[OIDC]",
            (false, false) => "[]",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::percent_decode;

    #[test]
    fn settings_debug_names_no_key() {
        let s = Settings::parse("AUTHENTICATION_APIKEY_ALLOWED_KEYS=key-secret-1,key-secret-2");
        let shown = format!("{s:?}");
        assert!(
            shown.contains("AUTHENTICATION_APIKEY_ALLOWED_KEYS"),
            "{shown}"
        );
        assert!(!shown.contains("key-secret"), "{shown}");
    }

    #[test]
    fn start_up_checks() {
        let s = |t: &str| Weaviate::from_settings(&Settings::parse(t));
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=true\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,b\nAUTHENTICATION_APIKEY_USERS=x,y").is_ok());
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=true\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,b\nAUTHENTICATION_APIKEY_USERS=x,y,z").is_err());
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=on\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,,b\nAUTHENTICATION_APIKEY_USERS=x").is_err());
        assert!(s("AUTHENTICATION_APIKEY_ENABLED=1\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a,a\nAUTHENTICATION_APIKEY_USERS=x").is_err());
        assert!(s("AUTHORIZATION_ADMINLIST_ENABLED=true\nAUTHORIZATION_ADMINLIST_USERS=a\nAUTHORIZATION_ADMINLIST_READONLY_USERS=a").is_err());
        assert!(
            s("").unwrap().anonymous,
            "no method at all: anonymous access is on"
        );
        assert!(
            !s("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false")
                .unwrap()
                .anonymous
        );
    }

    #[test]
    fn lists_are_not_trimmed() {
        let w = Weaviate::from_settings(&Settings::parse("AUTHENTICATION_APIKEY_ENABLED=true\nAUTHENTICATION_APIKEY_ALLOWED_KEYS=a, b\nAUTHENTICATION_APIKEY_USERS=u")).unwrap();
        let keys = w.keys.unwrap();
        let spaced: [u8; 32] = Sha256::digest(b" b").into();
        assert!(keys.iter().any(|(k, _)| *k == spaced));
    }

    #[test]
    fn query_values_are_percent_decoded() {
        assert_eq!(percent_decode("a%20b+c%2"), "a b c%2");
    }
}
