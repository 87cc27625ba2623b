//! Weaviate's OIDC token check: issuer, client id, username claim, algorithms and the key set.

use crate::ConfigError;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::duration::unix_now;
use crate::flaws::Flaws;
use crate::jwks::{CachePolicy, JwksSource};
use crate::jwt_check::{Policy, RS256_ONLY, verify};
use crate::wire::json;
use jsonwebtoken::Algorithm;

use super::unauthorized;
use super::*;

/// `usecases/auth/authentication/oidc/middleware.go` over go-oidc's verifier.
pub(super) struct Oidc {
    issuer: String,
    /// `None` when the client id check is skipped.
    client_id: Option<String>,
    username_claim: String,
    algorithms: Vec<Algorithm>,
    pub(super) keys: JwksSource,
    pub(super) flaws: Flaws,
}

impl Oidc {
    pub(super) fn from_settings(settings: &Settings) -> Result<Oidc, ConfigError> {
        let get = |name: &str| settings.values.get(name).filter(|v| !v.is_empty()).cloned();
        let issuer = get("AUTHENTICATION_OIDC_ISSUER").ok_or(ConfigError::Setting(
            "OIDC needs AUTHENTICATION_OIDC_ISSUER".to_owned(),
        ))?;
        let username_claim = get("AUTHENTICATION_OIDC_USERNAME_CLAIM").ok_or(
            ConfigError::Setting("OIDC needs AUTHENTICATION_OIDC_USERNAME_CLAIM".to_owned()),
        )?;
        let skip = settings.enabled("AUTHENTICATION_OIDC_SKIP_CLIENT_ID_CHECK");
        let client_id = get("AUTHENTICATION_OIDC_CLIENT_ID");
        if client_id.is_none() && !skip {
            return Err(ConfigError::Setting(
                "OIDC needs AUTHENTICATION_OIDC_CLIENT_ID unless the client id check is skipped"
                    .into(),
            ));
        }
        // With a JWKS URL go-oidc accepts RS256 only; with discovery, what the issuer advertises.
        let (jwks_url, algorithms) =
            match (get("AUTHENTICATION_OIDC_JWKS_URL"), &settings.discovered) {
                (Some(url), _) => (url, RS256_ONLY.to_vec()),
                (None, Some((url, algs))) => (url.clone(), algs.clone()),
                (None, None) => {
                    return Err(ConfigError::Setting(
                        "OIDC needs AUTHENTICATION_OIDC_JWKS_URL or a discovery run at start-up"
                            .into(),
                    ));
                }
            };
        Ok(Oidc {
            issuer,
            client_id: if skip { None } else { client_id },
            username_claim,
            algorithms,
            keys: JwksSource::new(jwks_url, CachePolicy::UntilMiss)?,
            flaws: Flaws::default(),
        })
    }

    /// The principal a token names, or the answer refusing it.
    pub(super) async fn principal(&self, token: &str) -> Result<String, Response> {
        let policy = Policy {
            issuer: self.issuer.clone(),
            algorithms: self.algorithms.clone(),
            require_kid: false,
            alg_from_jwk: false,
            require_exp: true,
            nbf_grace: 300,
            refuse_future_iat: false,
            require_iat: false,
            flaws: self.flaws.clone(),
        };
        let claims = verify(
            token,
            &policy,
            self.client_id.as_deref(),
            &self.keys,
            unix_now(),
        )
        .await
        .map_err(|reason| unauthorized(&format!("unauthorized: {reason}")))?;
        match claims.get(&self.username_claim).and_then(|v| v.as_str()) {
            Some(name) => Ok(name.to_owned()),
            None => Err(json(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"code": 500, "message": format!("oidc: token doesn't contain required claim '{}'", self.username_claim)}).to_string(),
            )),
        }
    }

    /// `/v1/.well-known/openid-configuration`: where clients find the issuer.
    pub(super) fn configuration(&self) -> serde_json::Value {
        let mut doc = json!({"href": format!("{}/.well-known/openid-configuration", self.issuer.trim_end_matches('/'))});
        if let Some(id) = &self.client_id {
            doc["clientId"] = json!(id);
        }
        doc
    }
}
