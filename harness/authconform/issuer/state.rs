//! What the mock issuer answers, changed on command by suites and cases, and what it was asked:
//! pure state, no server.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::jwt::{KeyId, KeyRing};

pub use authconform_format::issuer::{
    ATTACKER_JWKS_PATH, COUNTED, DISCOVERY_PATH, IssuerChange, JWKS_PATH, JwksAnswer, Rotate,
    TOKEN_PATH,
};

pub const DEFAULT_CACHE_CONTROL: &str = "max-age=300";

/// The issuer's state for one server instance.
#[derive(Clone)]
pub struct IssuerState {
    pub published: Vec<KeyId>,
    pub jwks: JwksAnswer,
    pub cache_control: String,
    pub delay: Duration,
    fetches: BTreeMap<&'static str, u64>,
    /// Users of the password grant: name → password.
    pub users: BTreeMap<String, String>,
    /// Clients of the client-credentials grant: id → secret.
    pub clients: BTreeMap<String, String>,
}

impl Default for IssuerState {
    fn default() -> IssuerState {
        IssuerState {
            published: KeyId::ALL
                .into_iter()
                .filter(|k| k.published_at_start())
                .collect(),
            jwks: JwksAnswer::Keys,
            cache_control: DEFAULT_CACHE_CONTROL.into(),
            delay: Duration::ZERO,
            fetches: BTreeMap::new(),
            users: BTreeMap::new(),
            clients: BTreeMap::new(),
        }
    }
}

/// Names only: the passwords and client secrets stay out of any log.
impl std::fmt::Debug for IssuerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerState")
            .field("published", &self.published)
            .field("jwks", &self.jwks)
            .field("cache_control", &self.cache_control)
            .field("delay", &self.delay)
            .field("fetches", &self.fetches)
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .field("clients", &self.clients.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl IssuerState {
    /// Applies a suite's block or a case's change; the delay is already parsed.
    pub fn apply(&mut self, change: &IssuerChange, delay: Option<Duration>) {
        if let Some(jwks) = change.jwks {
            self.jwks = jwks;
        }
        if let Some(cc) = &change.cache_control {
            self.cache_control = cc.clone();
        }
        if let Some(d) = delay {
            self.delay = d;
        }
        match change.rotate {
            Some(Rotate::Add) if !self.published.contains(&KeyId::Rotated) => {
                self.published.push(KeyId::Rotated);
            }
            Some(Rotate::Remove) => self.published.retain(|k| *k != KeyId::Rs256),
            _ => {}
        }
    }

    pub fn count(&mut self, path: &str) {
        if let Some((name, _)) = COUNTED.iter().find(|(_, p)| *p == path) {
            *self.fetches.entry(name).or_default() += 1;
        }
    }

    pub fn fetches(&self, name: &str) -> u64 {
        self.fetches.get(name).copied().unwrap_or_default()
    }

    /// The JWKS answer: status, content type, body.
    pub fn jwks_answer(&self, keys: &KeyRing) -> (u16, &'static str, Vec<u8>) {
        match self.jwks {
            JwksAnswer::Keys => (
                200,
                "application/json",
                keys.jwks(&self.published).to_string().into_bytes(),
            ),
            JwksAnswer::Empty => (200, "application/json", b"{\"keys\":[]}".to_vec()),
            JwksAnswer::Fail => (500, "text/plain", b"issuer down\n".to_vec()),
            JwksAnswer::Garbage => (200, "application/json", b"\x00<html>not a key set".to_vec()),
        }
    }
}

/// The issuer's discovery document (OpenID Connect Discovery 1.0 §3).
pub fn discovery(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}{JWKS_PATH}"),
        "token_endpoint": format!("{issuer}{TOKEN_PATH}"),
        "grant_types_supported": ["password", "client_credentials"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "RS384", "RS512", "PS256", "ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_apply_and_rotation_is_idempotent() {
        let mut state = IssuerState::default();
        assert!(state.published.contains(&KeyId::Rs256));
        assert!(!state.published.contains(&KeyId::Rotated));
        let add = IssuerChange {
            rotate: Some(Rotate::Add),
            ..IssuerChange::default()
        };
        state.apply(&add, None);
        state.apply(&add, None);
        assert_eq!(
            state
                .published
                .iter()
                .filter(|k| **k == KeyId::Rotated)
                .count(),
            1
        );
        state.apply(
            &IssuerChange {
                rotate: Some(Rotate::Remove),
                jwks: Some(JwksAnswer::Garbage),
                cache_control: Some(String::new()),
                delay: None,
                tls: None,
            },
            Some(Duration::from_millis(5)),
        );
        assert!(!state.published.contains(&KeyId::Rs256));
        assert_eq!(state.jwks, JwksAnswer::Garbage);
        assert_eq!(state.cache_control, "");
        assert_eq!(state.delay, Duration::from_millis(5));
    }

    #[test]
    fn counts_only_known_paths() {
        let mut state = IssuerState::default();
        state.count(JWKS_PATH);
        state.count(JWKS_PATH);
        state.count("/elsewhere");
        assert_eq!(state.fetches("jwks"), 2);
        assert_eq!(state.fetches("attacker_jwks"), 0);
    }

    #[test]
    fn debug_shows_names_not_secrets() {
        let mut state = IssuerState::default();
        state.users.insert("alice".into(), "s3cret-password".into());
        state.clients.insert("app".into(), "client-s3cret".into());
        let shown = format!("{state:?}");
        assert!(shown.contains("alice") && shown.contains("app"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn discovery_points_at_the_jwks_and_token_endpoint() {
        let doc = discovery("http://127.0.0.1:9");
        assert_eq!(doc["jwks_uri"], "http://127.0.0.1:9/.well-known/jwks.json");
        assert!(
            doc["grant_types_supported"]
                .as_array()
                .unwrap()
                .contains(&json!("password"))
        );
    }
}
