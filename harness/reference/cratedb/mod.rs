//! CrateDB's HTTP authentication (`docs/spec/cratedb.md`): host-based rules ordered by key as
//! strings, first match wins; methods trust, password (PBKDF2-HMAC-SHA512), cert and jwt; 401
//! answers in plain text with a Basic challenge; and over `/_sql`, statements checked against the
//! privileges `GRANT`, `DENY` and `REVOKE` give (`catalog`). Configured from `NAME=value` settings.

use crate::ConfigError;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use axum::Router;

use crate::authn::pbkdf2_record::{DEFAULT_ITERATIONS, Pbkdf2Record};
use crate::duration::unix_now;
use crate::flaws::{Flaw, Flaws};
use crate::jwks::{CachePolicy, JwksSource};
use crate::jwt_check::{Policy, RSA_ONLY, verify};

mod catalog;
mod privileges;
mod routes;
mod sql;

use catalog::Catalog;
use routes::handle;

const DEFAULT_USER: &str = "crate";
const CHALLENGE: &str = "Basic realm=\"CrateDB Authenticator\"";

/// One `auth.host_based.config.<key>` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Entry {
    user: Option<String>,
    address: Option<String>,
    method: Option<String>,
    protocol: Option<String>,
    ssl: Option<String>,
}

/// `CREATE USER … WITH (jwt = {"iss": …, "username": …, "aud": …})`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct JwtProps {
    iss: String,
    username: String,
    aud: Option<String>,
}

/// Without `auth.host_based.jwt.aud` or a user's `aud`, tokens are for the cluster.
const CLUSTER_ID: &str = "authconform-cluster-id";

pub struct CrateDb {
    hba_enabled: bool,
    flaws: Flaws,
    /// User → JWT properties.
    jwt_users: BTreeMap<String, JwtProps>,
    /// `auth.host_based.jwt.iss` and `.aud`.
    jwt_iss: Option<String>,
    jwt_aud: Option<String>,
    /// One key source per issuer, made on first use.
    jwks: Mutex<BTreeMap<String, Arc<JwksSource>>>,
    /// Entries in key order, keys compared as strings.
    entries: Vec<(String, Entry)>,
    /// User → password record (`None`: a user without a password).
    users: BTreeMap<String, Option<Pbkdf2Record>>,
    dummy: Pbkdf2Record,
    /// Tables and privileges, changed by the statements `/_sql` runs.
    catalog: Mutex<Catalog>,
}

impl CrateDb {
    pub fn from_settings(text: &str, flaws: &Flaws) -> Result<CrateDb, ConfigError> {
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        let mut users = BTreeMap::new();
        users.insert(DEFAULT_USER.to_owned(), None);
        let mut hba_enabled = false;
        let mut jwt_users: BTreeMap<String, JwtProps> = BTreeMap::new();
        let (mut jwt_iss, mut jwt_aud) = (None, None);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| ConfigError::Setting(format!("setting without `=`: {line:?}")))?;
            if key == "auth.host_based.enabled" {
                hba_enabled = value.eq_ignore_ascii_case("true");
            } else if key == "auth.host_based.jwt.iss" {
                jwt_iss = Some(value.to_owned());
            } else if key == "auth.host_based.jwt.aud" {
                jwt_aud = Some(value.to_owned());
            } else if let Some((user, field)) = key
                .strip_prefix("users.")
                .and_then(|r| r.split_once(".jwt."))
            {
                let props = jwt_users.entry(user.to_owned()).or_default();
                match field {
                    "iss" => props.iss = value.to_owned(),
                    "username" => props.username = value.to_owned(),
                    "aud" => props.aud = Some(value.to_owned()),
                    other => {
                        return Err(ConfigError::Setting(format!(
                            "unknown jwt property {other:?} of user {user:?}"
                        )));
                    }
                }
                users.entry(user.to_owned()).or_insert(None);
            } else if let Some(rest) = key.strip_prefix("auth.host_based.config.") {
                let (entry_key, field) = rest
                    .rsplit_once('.')
                    .ok_or_else(|| ConfigError::Setting(format!("bad entry setting {key:?}")))?;
                let entry = entries.entry(entry_key.to_owned()).or_default();
                let slot = match field {
                    "user" => &mut entry.user,
                    "address" => &mut entry.address,
                    "method" => &mut entry.method,
                    "protocol" => &mut entry.protocol,
                    "ssl" => &mut entry.ssl,
                    other => {
                        return Err(ConfigError::Setting(format!(
                            "unknown host-based entry field {other:?}"
                        )));
                    }
                };
                *slot = Some(value.to_owned());
            } else if let Some(user) = key
                .strip_prefix("users.")
                .and_then(|r| r.strip_suffix(".password"))
            {
                let record = if value.is_empty() {
                    None
                } else {
                    Some(
                        Pbkdf2Record::parse(value)
                            .map_err(|e| ConfigError::Setting(format!("user {user:?}: {e}")))?,
                    )
                };
                users.insert(user.to_owned(), record);
            } else {
                return Err(ConfigError::Setting(format!("unknown setting {key:?}")));
            }
        }
        for (key, entry) in &entries {
            if entry.method.as_deref() == Some("jwt") && entry.protocol.as_deref() != Some("http") {
                return Err(ConfigError::Setting(format!(
                    "entry {key}: method jwt requires protocol http"
                )));
            }
        }
        let dummy = Pbkdf2Record::derive(b"authconform dummy", &[0u8; 32], DEFAULT_ITERATIONS);
        let mut catalog = Catalog::default();
        catalog.privileges.deny_ignored = flaws.has(Flaw::DenyIgnored);
        catalog.privileges.existence_leaked = flaws.has(Flaw::TableExistenceLeaked);
        if let Some((user, _)) = jwt_users
            .iter()
            .find(|(_, p)| p.iss.is_empty() || p.username.is_empty())
        {
            return Err(ConfigError::Setting(format!(
                "user {user:?}: jwt properties need iss and username"
            )));
        }
        Ok(CrateDb {
            hba_enabled,
            jwt_users,
            jwt_iss,
            jwt_aud,
            jwks: Mutex::new(BTreeMap::new()),
            entries: if flaws.has(Flaw::HbaNumericOrder) {
                let mut numeric: Vec<_> = entries.into_iter().collect();
                numeric.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
                numeric
            } else {
                entries.into_iter().collect()
            },
            flaws: flaws.clone(),
            users,
            dummy,
            catalog: Mutex::new(catalog),
        })
    }

    pub fn router(self) -> Router {
        Router::new().fallback(handle).with_state(Arc::new(self))
    }

    fn first_match(&self, user: &str, ip: IpAddr, tls: bool) -> Option<&Entry> {
        self.entries.iter().map(|(_, e)| e).find(|e| {
            let ssl_ok = match e.ssl.as_deref() {
                Some("on") => tls,
                Some("off") => !tls,
                _ => true,
            };
            e.user.as_deref().is_none_or(|u| u == user)
                && e.address.as_deref().is_none_or(|a| address_matches(a, ip))
                && e.protocol.as_deref().is_none_or(|p| p == "http")
                && ssl_ok
        })
    }

    /// The user a token authenticates, or why not (`Err(None)`: no such user).
    async fn jwt_user(&self, token: &str, user: &str) -> Result<(), Option<String>> {
        let unverified = crate::authn::jws::parse_compact(token)
            .ok()
            .and_then(|j| j.claims())
            .unwrap_or_default();
        let token_iss = unverified
            .get("iss")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let props = match &self.jwt_iss {
            Some(_) => self.jwt_users.get(user),
            None => self
                .jwt_users
                .get(user)
                .filter(|p| p.iss == token_iss && p.username == user),
        }
        .ok_or(None)?;
        let iss = self.jwt_iss.clone().unwrap_or_else(|| props.iss.clone());
        let audience = props
            .aud
            .clone()
            .or_else(|| self.jwt_aud.clone())
            .unwrap_or_else(|| CLUSTER_ID.to_owned());
        let keys = self.jwks_for(&iss).map_err(|e| Some(e.to_string()))?;
        let policy = Policy {
            issuer: iss,
            algorithms: RSA_ONLY.to_vec(),
            require_kid: true,
            alg_from_jwk: true,
            require_exp: false,
            nbf_grace: 0,
            refuse_future_iat: true,
            require_iat: false,
            flaws: self.flaws.clone(),
        };
        verify(token, &policy, Some(&audience), &keys, unix_now())
            .await
            .map(|_| ())
            .map_err(|e| Some(e.to_string()))
    }

    /// The key source of an issuer: `<iss>/.well-known/jwks.json`, `https://` when iss has no scheme.
    fn jwks_for(&self, iss: &str) -> Result<Arc<JwksSource>, ConfigError> {
        let mut sources = self.jwks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(source) = sources.get(iss) {
            return Ok(source.clone());
        }
        let base = if iss.contains("://") {
            iss.trim_end_matches('/').to_owned()
        } else {
            format!("https://{}", iss.trim_end_matches('/'))
        };
        let source = Arc::new(JwksSource::new(
            format!("{base}/.well-known/jwks.json"),
            if self.flaws.has(Flaw::JwksNeverRefetched) {
                CachePolicy::Forever
            } else {
                CachePolicy::MaxAgeOnly
            },
        )?);
        sources.insert(iss.to_owned(), source.clone());
        Ok(source)
    }

    /// Verifies in time that does not depend on whether the user exists or has a password.
    fn password_ok(&self, user: &str, password: Option<&str>) -> bool {
        let record = self.users.get(user).and_then(Option::as_ref);
        let checked = record
            .unwrap_or(&self.dummy)
            .verify(password.unwrap_or_default().as_bytes());
        record.is_some() && password.is_some_and(|p| !p.is_empty()) && checked
    }
}

/// `_local_`, a CIDR block, or an exact address. Host names do not resolve here.
fn address_matches(pattern: &str, ip: IpAddr) -> bool {
    if pattern == "_local_" || pattern == "localhost" {
        return ip.is_loopback();
    }
    let (net, bits) = match pattern.split_once('/') {
        Some((net, bits)) => (net, bits.parse::<u32>().ok()),
        None => (pattern, None),
    };
    match (net.parse::<IpAddr>(), ip) {
        (Ok(IpAddr::V4(net)), IpAddr::V4(ip)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(net) & mask == u32::from(ip) & mask
        }
        (Ok(IpAddr::V6(net)), IpAddr::V6(ip)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(net) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_sort_by_key_as_strings() {
        let db = CrateDb::from_settings("auth.host_based.enabled=true\nauth.host_based.config.2.method=trust\nauth.host_based.config.10.method=password\n", &Flaws::default()).unwrap();
        let keys: Vec<&str> = db.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["10", "2"]);
        assert_eq!(
            db.first_match("any", "127.0.0.1".parse().unwrap(), false)
                .unwrap()
                .method
                .as_deref(),
            Some("password")
        );
    }

    #[test]
    fn addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(address_matches("_local_", ip("127.0.0.1")));
        assert!(address_matches("127.0.0.0/8", ip("127.1.2.3")));
        assert!(!address_matches("10.0.0.0/8", ip("127.0.0.1")));
        assert!(address_matches("127.0.0.1", ip("127.0.0.1")));
        assert!(address_matches("0.0.0.0/0", ip("8.8.8.8")));
        assert!(!address_matches("example.com", ip("127.0.0.1")));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(
            CrateDb::from_settings("auth.host_based.config.0.mehtod=trust", &Flaws::default())
                .is_err()
        );
        assert!(
            CrateDb::from_settings("auth.host_based.config.0.method=jwt", &Flaws::default())
                .is_err()
        );
        assert!(CrateDb::from_settings("users.alice.password=plain", &Flaws::default()).is_err());
        assert!(CrateDb::from_settings("nonsense", &Flaws::default()).is_err());
    }
}
