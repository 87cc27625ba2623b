//! `NAME=value` server settings made from the fixtures, by each dialect's rules for a mode: the
//! environment of a Weaviate, the configuration (and users) of a CrateDB.

use super::ProvisionError;
use std::collections::BTreeMap;

use crate::authn::pbkdf2_record::{DEFAULT_ITERATIONS, Pbkdf2Record};
use crate::dialect::{Dialect, Mode};
use crate::provision::{Credentials, JwtFixture};

/// The settings text for `dialect` in `mode`; the suites' own `fixtures.settings` win.
pub fn settings(
    dialect: Dialect,
    mode: &Mode,
    credentials: &Credentials,
) -> Result<String, ProvisionError> {
    let mut values = match dialect.reference() {
        Some("weaviate") => weaviate(mode, credentials)?,
        Some("cratedb") => cratedb(mode, credentials)?,
        Some("generic") => generic(credentials)?,
        _ => {
            return Err(ProvisionError::Unwritable(format!(
                "dialect {dialect} takes no settings"
            )));
        }
    };
    values.extend(
        credentials
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    Ok(values.iter().map(|(k, v)| format!("{k}={v}\n")).collect())
}

fn issuer_of<'a>(
    mode: &Mode,
    credentials: &'a Credentials,
) -> Result<&'a JwtFixture, ProvisionError> {
    credentials.jwt.as_ref().ok_or_else(|| {
        ProvisionError::Missing(format!("mode {} needs the run's mock issuer", mode.name))
    })
}

/// A generic resource server: where its issuer is, and the audience it expects.
fn generic(credentials: &Credentials) -> Result<BTreeMap<String, String>, ProvisionError> {
    let jwt = credentials.jwt.as_ref().ok_or(ProvisionError::Missing(
        "the generic jwt mode needs the run's mock issuer".to_owned(),
    ))?;
    let mut settings = BTreeMap::from([
        ("JWT_ISSUER".to_owned(), jwt.issuer.clone()),
        ("JWT_JWKS_URL".to_owned(), jwt.jwks_url.clone()),
        ("JWT_AUDIENCE".to_owned(), jwt.audience.clone()),
    ]);
    if let Some(ca) = &jwt.ca_file {
        settings.insert("JWT_JWKS_CA_FILE".to_owned(), ca.display().to_string());
    }
    Ok(settings)
}

fn weaviate(
    mode: &Mode,
    credentials: &Credentials,
) -> Result<BTreeMap<String, String>, ProvisionError> {
    let mut env = BTreeMap::new();
    let mut set = |k: &str, v: String| env.insert(k.to_owned(), v);
    let anonymous = matches!(mode.name, "apikey-anonymous" | "anonymous");
    set(
        "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED",
        anonymous.to_string(),
    );
    if mode.name.starts_with("oidc") {
        let jwt = issuer_of(mode, credentials)?;
        set("AUTHENTICATION_OIDC_ENABLED", "true".into());
        set("AUTHENTICATION_OIDC_ISSUER", jwt.issuer.clone());
        set("AUTHENTICATION_OIDC_CLIENT_ID", jwt.audience.clone());
        set("AUTHENTICATION_OIDC_USERNAME_CLAIM", "sub".into());
        if mode.name == "oidc" {
            set("AUTHENTICATION_OIDC_JWKS_URL", jwt.jwks_url.clone());
        }
        return Ok(env);
    }
    if mode.name != "anonymous" {
        if credentials.tokens.is_empty() {
            return Err(ProvisionError::Unwritable(format!(
                "mode {} needs API keys under `fixtures.tokens`",
                mode.name
            )));
        }
        let keys: Vec<&str> = credentials
            .tokens
            .values()
            .map(|t| t.value.expose())
            .collect();
        let users: Vec<&str> = credentials
            .tokens
            .values()
            .map(|t| t.user.as_str())
            .collect();
        set("AUTHENTICATION_APIKEY_ENABLED", "true".into());
        set("AUTHENTICATION_APIKEY_ALLOWED_KEYS", keys.join(","));
        set("AUTHENTICATION_APIKEY_USERS", users.join(","));
    }
    let names = |role: &str| {
        credentials
            .users_with_role(role)
            .iter()
            .map(|u| u.name.clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    if mode.name == "rbac" {
        set("AUTHORIZATION_RBAC_ENABLED", "true".into());
        set("AUTHORIZATION_RBAC_ROOT_USERS", names("root"));
        set("AUTHORIZATION_VIEWER_USERS", names("viewer"));
    }
    if mode.name == "adminlist" {
        set("AUTHORIZATION_ADMINLIST_ENABLED", "true".into());
        set("AUTHORIZATION_ADMINLIST_USERS", names("admin"));
        set("AUTHORIZATION_ADMINLIST_READONLY_USERS", names("read-only"));
    }
    Ok(env)
}

/// PBKDF2 iterations of the records made for mode `privileges`.
const PRIVILEGES_ITERATIONS: u32 = 1_000;

/// CrateDB settings, plus `users.<name>.password=<PBKDF2 record>` lines for the reference server
/// (a real CrateDB gets its users from `CREATE USER`). An empty fixture password makes a user
/// without a password.
fn cratedb(
    mode: &Mode,
    credentials: &Credentials,
) -> Result<BTreeMap<String, String>, ProvisionError> {
    let mut conf = BTreeMap::new();
    conf.insert("auth.host_based.enabled".to_owned(), "true".to_owned());
    match mode.name {
        // Privileges are checked in every mode; `privileges` is `password` for the suite that
        // sets them up.
        "trust" | "password" | "privileges" => {
            let method = if mode.name == "trust" {
                "trust"
            } else {
                "password"
            };
            conf.insert(
                "auth.host_based.config.0.method".to_owned(),
                method.to_owned(),
            );
        }
        "cert" => {
            conf.insert(
                "auth.host_based.config.0.method".to_owned(),
                "cert".to_owned(),
            );
            conf.insert("auth.host_based.config.0.ssl".to_owned(), "on".to_owned());
        }
        "jwt" => {
            let jwt = issuer_of(mode, credentials)?;
            conf.insert(
                "auth.host_based.config.0.method".to_owned(),
                "jwt".to_owned(),
            );
            conf.insert(
                "auth.host_based.config.0.protocol".to_owned(),
                "http".to_owned(),
            );
            // `CREATE USER name WITH (jwt = {"iss": …, "username": name, "aud": …})`
            for user in credentials.users.values() {
                let prefix = format!("users.{}.jwt", user.name);
                conf.insert(format!("{prefix}.iss"), jwt.issuer.clone());
                conf.insert(format!("{prefix}.username"), user.name.clone());
                conf.insert(format!("{prefix}.aud"), jwt.audience.clone());
            }
        }
        _ => {}
    }
    // Each record carries its iteration count, as CrateDB's do. The privileges suite logs in a
    // hundred times in a row to test what comes after the login, so its records are cheaper.
    let iterations = if mode.name == "privileges" {
        PRIVILEGES_ITERATIONS
    } else {
        DEFAULT_ITERATIONS
    };
    for user in credentials.users.values() {
        let record = if user.password.is_empty() {
            String::new()
        } else {
            let mut salt = [0u8; 32];
            getrandom::fill(&mut salt)
                .map_err(|e| ProvisionError::Crypto(format!("no random source: {e}")))?;
            Pbkdf2Record::derive(user.password.expose().as_bytes(), &salt, iterations).encode()
        };
        conf.insert(format!("users.{}.password", user.name), record);
    }
    Ok(conf)
}
