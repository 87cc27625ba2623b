//! The users and tokens the suites of one auth mode assume, with generated secrets.

use super::ProvisionError;
use crate::secrets::Secret;
use std::collections::BTreeMap;

use crate::scenario::model::Fixtures;
use crate::scenario::template::{Lookup, Resolved};

/// Prefix of every generated password: grep for it to prove none leaked into output.
pub const PASSWORD_PREFIX: &str = "acpw-";
/// Prefix of every generated token.
pub const TOKEN_PREFIX: &str = "actk-";

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub password: Secret,
    pub role: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub value: Secret,
    /// The user that holds the token where the mode has users.
    pub user: String,
}

/// Users and tokens by fixture name.
#[derive(Clone, Default)]
pub struct Credentials {
    pub users: BTreeMap<String, User>,
    pub tokens: BTreeMap<String, Token>,
    pub settings: BTreeMap<String, String>,
    /// Role → actions, for modes that authorize by role.
    pub roles: BTreeMap<String, Vec<String>>,
    /// Where a JWT-validating server finds its issuer, in modes that need one.
    pub jwt: Option<JwtFixture>,
}

/// The run's mock issuer as a target sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct JwtFixture {
    pub issuer: String,
    pub jwks_url: String,
    pub attacker_jwks_url: String,
    /// The audience tokens are made for; also the OAuth client id at the token endpoint.
    pub audience: String,
    pub client_secret: Secret,
    /// The CA file a target needs to verify the issuer, when the issuer speaks HTTPS.
    pub ca_file: Option<std::path::PathBuf>,
}

pub use authconform_format::issuer::JWT_TEMPLATE_VALUES;

/// The audience (and client id) of the run's tokens.
pub const DEFAULT_AUDIENCE: &str = "authconform-client";

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .field("tokens", &self.tokens.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Credentials {
    /// Adds the fixtures one suite declares, generating the secrets it leaves open. Two suites may
    /// share a fixture name; they conflict only when both fix different values.
    pub fn add(&mut self, fixtures: &Fixtures) -> Result<(), ProvisionError> {
        for (name, user) in &fixtures.users {
            match (self.users.get_mut(name), &user.password) {
                (Some(known), Some(fixed)) if known.password != *fixed => {
                    if !known.password.expose().starts_with(PASSWORD_PREFIX) {
                        return Err(ProvisionError::Conflict(format!(
                            "user {name:?} is given two different passwords by two suites"
                        )));
                    }
                    known.password = fixed.clone();
                }
                (Some(_), _) => {}
                (None, fixed) => {
                    let password = fixed
                        .clone()
                        .unwrap_or_else(|| random_secret(PASSWORD_PREFIX).into());
                    self.users.insert(
                        name.clone(),
                        User {
                            name: name.clone(),
                            password,
                            role: None,
                        },
                    );
                }
            }
            if let Some(role) = &user.role {
                let known = self.users.get_mut(name).expect("inserted above");
                match &known.role {
                    Some(other) if other != role => {
                        return Err(ProvisionError::Conflict(format!(
                            "user {name:?} is given roles {other:?} and {role:?} by two suites"
                        )));
                    }
                    _ => known.role = Some(role.clone()),
                }
            }
        }
        for (role, actions) in &fixtures.roles {
            match self.roles.get(role) {
                Some(other) if other != actions => {
                    return Err(ProvisionError::Conflict(format!(
                        "role {role:?} is given different actions by two suites"
                    )));
                }
                _ => {
                    self.roles.insert(role.clone(), actions.clone());
                }
            }
        }
        for (key, value) in &fixtures.settings {
            match self.settings.get(key) {
                Some(other) if other != value => {
                    return Err(ProvisionError::Conflict(format!(
                        "setting {key:?} is given {other:?} and {value:?} by two suites"
                    )));
                }
                _ => {
                    self.settings.insert(key.clone(), value.clone());
                }
            }
        }
        for (name, token) in &fixtures.tokens {
            let user = token.user.clone().unwrap_or_else(|| name.clone());
            match self.tokens.get_mut(name) {
                Some(known) if known.user != user => {
                    return Err(ProvisionError::Conflict(format!(
                        "token {name:?} is given to two different users by two suites"
                    )));
                }
                Some(known) => {
                    if let Some(fixed) = &token.value {
                        if known.value.expose() != fixed
                            && !known.value.expose().starts_with(TOKEN_PREFIX)
                        {
                            return Err(ProvisionError::Conflict(format!(
                                "token {name:?} is given two different values by two suites"
                            )));
                        }
                        known.value = fixed.clone().into();
                    }
                }
                None => {
                    let value = token
                        .value
                        .clone()
                        .unwrap_or_else(|| random_secret(TOKEN_PREFIX))
                        .into();
                    self.tokens.insert(name.clone(), Token { value, user });
                }
            }
        }
        Ok(())
    }

    /// The users that have `role`, in name order.
    pub fn users_with_role(&self, role: &str) -> Vec<&User> {
        self.users
            .values()
            .filter(|u| u.role.as_deref() == Some(role))
            .collect()
    }

    /// Every `(user name, password)` pair, for redacting their Basic encodings.
    pub fn logins(&self) -> Vec<(String, String)> {
        self.users
            .values()
            .map(|u| (u.name.clone(), u.password.expose().to_owned()))
            .collect()
    }
}

impl Lookup for Credentials {
    fn value(&self, path: &[String]) -> Option<Resolved> {
        match path {
            [kind, user, field] if kind == "users" => {
                let user = self.users.get(user)?;
                match field.as_str() {
                    "name" => Some(Resolved {
                        text: user.name.clone(),
                        secret: false,
                    }),
                    "password" => Some(Resolved {
                        text: user.password.expose().to_owned(),
                        secret: true,
                    }),
                    _ => None,
                }
            }
            [kind, token] if kind == "tokens" => self.tokens.get(token).map(|t| Resolved {
                text: t.value.expose().to_owned(),
                secret: true,
            }),
            [kind, field] if matches!(kind.as_str(), "issuer" | "jwks" | "jwt") => {
                let jwt = self.jwt.as_ref()?;
                let (text, secret) = match (kind.as_str(), field.as_str()) {
                    ("issuer", "url") => (jwt.issuer.clone(), false),
                    ("jwks", "url") => (jwt.jwks_url.clone(), false),
                    ("jwks", "attacker_url") => (jwt.attacker_jwks_url.clone(), false),
                    ("jwks", "ca_file") => (
                        jwt.ca_file
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                        false,
                    ),
                    ("jwt", "aud" | "client_id") => (jwt.audience.clone(), false),
                    ("jwt", "client_secret") => (jwt.client_secret.expose().to_owned(), true),
                    _ => return None,
                };
                Some(Resolved { text, secret })
            }
            _ => None,
        }
    }
}

/// `prefix` followed by 24 random letters and digits (about 143 bits).
pub fn random_secret(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let tail: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{prefix}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::{TokenFixture, UserFixture};

    fn fixtures(users: &[(&str, Option<&str>)], tokens: &[&str]) -> Fixtures {
        Fixtures {
            users: users
                .iter()
                .map(|(n, p)| {
                    (
                        n.to_string(),
                        UserFixture {
                            password: p.map(Secret::from),
                            role: None,
                        },
                    )
                })
                .collect(),
            tokens: tokens
                .iter()
                .map(|n| (n.to_string(), TokenFixture::default()))
                .collect(),
            settings: Default::default(),
            roles: Default::default(),
        }
    }

    #[test]
    fn generates_and_merges() {
        let mut c = Credentials::default();
        c.add(&fixtures(&[("admin", None)], &["admin"])).unwrap();
        let generated = c.users["admin"].password.expose().to_owned();
        assert!(
            generated.starts_with(PASSWORD_PREFIX) && generated.len() == PASSWORD_PREFIX.len() + 24
        );
        c.add(&fixtures(
            &[("admin", None), ("bob", Some("pa:ss"))],
            &["admin"],
        ))
        .unwrap();
        assert_eq!(
            c.users["admin"].password.expose(),
            generated,
            "a second suite keeps the first value"
        );
        assert_eq!(c.users["bob"].password.expose(), "pa:ss");
        assert_eq!(c.tokens["admin"].user, "admin");
        assert!(c.add(&fixtures(&[("bob", Some("other"))], &[])).is_err());
        assert_ne!(random_secret("x"), random_secret("x"));
    }

    #[test]
    fn lookup_marks_secrets_and_debug_hides_them() {
        let mut c = Credentials::default();
        c.add(&fixtures(&[("admin", Some("hunter22"))], &["t"]))
            .unwrap();
        let path = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            c.value(&path("users.admin.name")).unwrap(),
            Resolved {
                text: "admin".into(),
                secret: false
            }
        );
        assert!(c.value(&path("users.admin.password")).unwrap().secret);
        assert!(c.value(&path("tokens.t")).unwrap().secret);
        assert!(c.value(&path("tokens.nope")).is_none());
        assert!(!format!("{c:?}").contains("hunter22"));
    }
}
