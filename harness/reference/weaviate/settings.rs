//! The settings Weaviate reads from its environment, and OIDC discovery at start-up.

use crate::ConfigError;
use std::collections::HashMap;

use crate::jwt_check::ASYMMETRIC;
use jsonwebtoken::Algorithm;

/// The settings Weaviate reads from its environment, as `NAME=value` lines. `Debug` names the
/// settings and never shows a value (the API keys are among them).
#[derive(Default)]
pub struct Settings {
    pub(super) values: HashMap<String, String>,
    /// What OIDC discovery found at start-up: the JWKS URL and the advertised algorithms.
    pub(super) discovered: Option<(String, Vec<Algorithm>)>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.values.keys().collect();
        names.sort();
        f.debug_struct("Settings")
            .field("names", &names)
            .field("discovered", &self.discovered.as_ref().map(|(url, _)| url))
            .finish()
    }
}

impl Settings {
    pub fn parse(text: &str) -> Settings {
        let values = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
            .collect();
        Settings {
            values,
            discovered: None,
        }
    }

    /// Without `AUTHENTICATION_OIDC_JWKS_URL`, Weaviate reads `<issuer>/.well-known/openid-configuration`
    /// at start-up and refuses to start when it cannot.
    pub async fn discover(&mut self) -> Result<(), ConfigError> {
        if !self.enabled("AUTHENTICATION_OIDC_ENABLED")
            || self
                .values
                .get("AUTHENTICATION_OIDC_JWKS_URL")
                .is_some_and(|v| !v.is_empty())
        {
            return Ok(());
        }
        let Some(issuer) = self.values.get("AUTHENTICATION_OIDC_ISSUER") else {
            return Ok(());
        };
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let failed = |why: String| {
            format!("OIDC discovery at {url} failed ({why}): Weaviate does not start")
        };
        let client = crate::client_builder()
            .timeout(std::time::Duration::from_secs(2))
            .build()
            .map_err(|e| ConfigError::Keys(failed(e.to_string())))?;
        let response = client
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| ConfigError::Keys(failed(e.to_string())))?;
        let body = response
            .bytes()
            .await
            .map_err(|e| ConfigError::Keys(failed(e.to_string())))?;
        let doc: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| ConfigError::Keys(failed(e.to_string())))?;
        let jwks_uri = doc["jwks_uri"]
            .as_str()
            .ok_or_else(|| ConfigError::Keys(failed("no jwks_uri".into())))?
            .to_owned();
        let algorithms: Vec<Algorithm> = doc["id_token_signing_alg_values_supported"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| serde_json::from_value(a.clone()).ok())
            .filter(|a| ASYMMETRIC.contains(a))
            .collect();
        self.discovered = Some((jwks_uri, algorithms));
        Ok(())
    }

    /// `on`, `enabled`, `1`, `true` in any case (`usecases/config/environment.go`).
    pub(super) fn enabled(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "on" | "enabled" | "1" | "true"
            )
        })
    }

    /// Split on `,` with no trimming, as Weaviate does.
    pub(super) fn list(&self, name: &str) -> Vec<String> {
        self.values
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    }
}
