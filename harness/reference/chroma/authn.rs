//! Chroma's auth providers as the settings choose them: Basic over an htpasswd file, tokens from a
//! users file (in `Authorization: Bearer` or `X-Chroma-Token`), and SimpleRBAC on top.

use crate::ConfigError;
use axum::http::HeaderMap;
use serde::Deserialize;

use crate::authn::authorization::{
    BasicOptions, BearerOptions, TokenCharset, parse_basic, parse_bearer, parse_raw_token,
};
use crate::authn::{Htpasswd, ct_eq};
use crate::wire::header_text;

use super::*;

pub enum Authn {
    Basic(Htpasswd),
    Token {
        header: TokenHeader,
        tokens: Vec<(String, Identity)>,
    },
}

impl std::fmt::Debug for Authn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Authn::Basic(file) => f.debug_tuple("Basic").field(file).finish(),
            Authn::Token { header, tokens } => f
                .debug_struct("Token")
                .field("header", header)
                .field(
                    "users",
                    &tokens.iter().map(|(_, id)| &id.user_id).collect::<Vec<_>>(),
                )
                .finish(),
        }
    }
}

#[derive(Deserialize)]
struct UsersFile {
    users: Vec<UserEntry>,
    #[serde(default)]
    roles_mapping: Option<std::collections::BTreeMap<String, RoleEntry>>,
}

#[derive(Deserialize)]
struct RoleEntry {
    actions: Vec<String>,
}

#[derive(Deserialize)]
struct UserEntry {
    id: String,
    #[serde(default)]
    tokens: Vec<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    databases: Option<Vec<String>>,
}

impl Authn {
    /// The Basic provider, from the content of `CHROMA_SERVER_AUTHN_CREDENTIALS(_FILE)`.
    pub fn basic(credentials: &str) -> Result<Authn, ConfigError> {
        Htpasswd::parse(credentials)
            .map(Authn::Basic)
            .map_err(|e| ConfigError::Credentials(format!("htpasswd: {e}")))
    }

    /// The token provider: one non-empty line is a single token held by `anonymous`; more lines are
    /// a users file (`users: [{id, tokens, tenant?, databases?}]`).
    pub fn token(credentials: &str, header: TokenHeader) -> Result<Authn, ConfigError> {
        let lines: Vec<&str> = credentials.split('\n').filter(|l| !l.is_empty()).collect();
        if let [single] = lines.as_slice() {
            let identity = Identity {
                user_id: "anonymous".into(),
                tenant: Some("*".into()),
                databases: Some(vec!["*".into()]),
            };
            return Ok(Authn::Token {
                header,
                tokens: vec![((*single).to_owned(), identity)],
            });
        }
        let file: UsersFile = serde_saphyr::from_str(credentials).map_err(|e| {
            ConfigError::Credentials(format!("token users file: {}", e.without_snippet()))
        })?;
        let mut tokens: Vec<(String, Identity)> = Vec::new();
        for user in file.users {
            let identity = Identity {
                user_id: user.id.clone(),
                tenant: Some(user.tenant.unwrap_or_else(|| "*".into())),
                databases: Some(user.databases.unwrap_or_else(|| vec!["*".into()])),
            };
            for token in user.tokens {
                if parse_raw_token(&token, TokenCharset::AsciiPrintableNoSpace)
                    != Ok(token.as_str())
                {
                    return Err(ConfigError::Credentials(format!(
                        "token of user {:?} has characters Chroma refuses",
                        user.id
                    )));
                }
                if let Some((_, other)) = tokens.iter().find(|(t, _)| *t == token)
                    && other.user_id != user.id
                {
                    return Err(ConfigError::Credentials(format!(
                        "a token of user {:?} is already used by {:?}",
                        user.id, other.user_id
                    )));
                }
                tokens.push((token, identity.clone()));
            }
        }
        Ok(Authn::Token { header, tokens })
    }

    /// The identity behind the request's credentials, or `None` (the caller answers 403).
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<Identity> {
        match self {
            Authn::Basic(file) => {
                let value = header_text(headers, "authorization")?;
                let creds = parse_basic(&value, BasicOptions::CHROMA).ok()?;
                let valid = file.verify(creds.user(), creds.password());
                valid.then_some(Identity {
                    user_id: creds.user().to_owned(),
                    tenant: None,
                    databases: None,
                })
            }
            Authn::Token { header, tokens } => {
                let token = match header {
                    TokenHeader::Authorization => {
                        let value = header_text(headers, "authorization")?;
                        parse_bearer(&value, BearerOptions::CHROMA).ok()?.to_owned()
                    }
                    TokenHeader::XChromaToken => {
                        let value = header_text(headers, "x-chroma-token")?;
                        parse_raw_token(&value, TokenCharset::AsciiPrintableNoSpace)
                            .ok()?
                            .to_owned()
                    }
                };
                // Compare against every token so the time taken does not say which one was close.
                let mut found = None;
                for (known, identity) in tokens {
                    if ct_eq(known.as_bytes(), token.as_bytes()) && found.is_none() {
                        found = Some(identity.clone());
                    }
                }
                found
            }
        }
    }
}

/// SimpleRBAC (`CHROMA_SERVER_AUTHZ_CONFIG_FILE`): each user's actions, through its role. Only
/// user → action: resources are not checked.
#[derive(Debug, Clone, Default)]
pub struct Authz {
    permissions: std::collections::HashMap<String, std::collections::HashSet<String>>,
}

impl Authz {
    /// From `roles_mapping: {role: {actions}}` and `users: [{id, role}]`; like Chroma's start-up,
    /// a user without a role or with a role the mapping lacks is an error.
    pub fn parse(config: &str) -> Result<Authz, ConfigError> {
        let file: UsersFile = serde_saphyr::from_str(config).map_err(|e| {
            ConfigError::Setting(format!("authorization config: {}", e.without_snippet()))
        })?;
        let roles = file.roles_mapping.ok_or(ConfigError::Setting(
            "authorization config: no `roles_mapping`".to_owned(),
        ))?;
        let mut permissions = std::collections::HashMap::new();
        for user in file.users {
            let role = user.role.ok_or_else(|| {
                ConfigError::Setting(format!(
                    "authorization config: user {:?} has no role",
                    user.id
                ))
            })?;
            let entry = roles.get(&role).ok_or_else(|| {
                ConfigError::Setting(format!(
                    "authorization config: role {role:?} is not in `roles_mapping`"
                ))
            })?;
            permissions.insert(user.id, entry.actions.iter().cloned().collect());
        }
        Ok(Authz { permissions })
    }

    pub(super) fn allows(&self, user: &str, action: &str) -> bool {
        self.permissions
            .get(user)
            .is_some_and(|actions| actions.contains(action))
    }
}

/// Why a request was not authenticated; Chroma answers every one alike (403).
pub(super) enum Refusal {
    Forbidden,
    UnknownUser,
    Malformed,
}

/// The raw token of one transport.
pub(super) fn token_in(headers: &HeaderMap, header: TokenHeader) -> Option<String> {
    match header {
        TokenHeader::Authorization => {
            let value = header_text(headers, "authorization")?;
            parse_bearer(&value, BearerOptions::CHROMA)
                .ok()
                .map(str::to_owned)
        }
        TokenHeader::XChromaToken => header_text(headers, "x-chroma-token"),
    }
}
