//! A resource server's copy of its issuer's keys: fetched over HTTP from the configured URL only
//! (never from a URL a token names), cached by the dialect's rule, fetches serialized so a burst
//! of tokens makes one request.

use crate::ConfigError;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::Jwk;
use tokio::sync::Mutex;

/// When a cached key set is used, and when it is fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// CrateDB (`CachingJwkProvider`): cached only for `Cache-Control: max-age=N` (N > 0); an
    /// unknown `kid` while the cache lives is an error, not a re-fetch.
    MaxAgeOnly,
    /// go-oidc's remote key set (Weaviate): kept until a `kid` is not found, then fetched again.
    UntilMiss,
    /// A careful resource server: `max-age` honoured, an unknown `kid` re-fetches at most once a
    /// second.
    MaxAgeAndMiss,
    /// The flaw `jwks-never-refetched`: fetched once, kept for ever.
    Forever,
}

struct Cached {
    keys: Vec<Jwk>,
    until: Option<Instant>,
    fetched: Instant,
}

pub struct JwksSource {
    pub url: String,
    policy: CachePolicy,
    client: reqwest::Client,
    cache: Mutex<Option<Cached>>,
}

const FETCH_TIMEOUT: Duration = Duration::from_secs(1);
const MISS_INTERVAL: Duration = Duration::from_secs(1);

/// How the key-set client verifies an `https://` URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum JwksTrust {
    /// The system's roots.
    #[default]
    System,
    /// Exactly the CA certificates of this PEM text.
    Ca(String),
    /// The flaw `jwks-tls-unverified`: any certificate.
    Unverified,
}

/// Why no key could be had for a token, worded as CrateDB (auth0's provider) words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key set holds no key with the token's `kid`.
    #[error("No key found in {url} with kid {kid}")]
    NoKey { url: String, kid: String },
    /// The key set could not be fetched, or is not a key set.
    #[error("Cannot obtain jwks from url {0}")]
    Unavailable(String),
    /// The key set holds no key this server can use.
    #[error("No keys found in {0}")]
    Empty(String),
}

impl JwksSource {
    pub fn new(url: String, policy: CachePolicy) -> Result<JwksSource, ConfigError> {
        JwksSource::with_trust(url, policy, &JwksTrust::System)
    }

    pub fn with_trust(
        url: String,
        policy: CachePolicy,
        trust: &JwksTrust,
    ) -> Result<JwksSource, ConfigError> {
        let builder = crate::client_builder().timeout(FETCH_TIMEOUT);
        let builder = match trust {
            JwksTrust::System => builder,
            JwksTrust::Ca(pem) => builder.tls_certs_only(
                reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                    .map_err(|e| ConfigError::Keys(format!("the JWKS CA file is not PEM: {e}")))?,
            ),
            JwksTrust::Unverified => builder.tls_danger_accept_invalid_certs(true),
        };
        let client = builder
            .build()
            .map_err(|e| ConfigError::Keys(format!("cannot build the JWKS client: {e}")))?;
        Ok(JwksSource {
            url,
            policy,
            client,
            cache: Mutex::new(None),
        })
    }

    /// The keys that may have signed a token with this `kid` (every key when it has none).
    pub async fn candidates(&self, kid: Option<&str>) -> Result<Vec<Jwk>, KeyError> {
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        let live = cache.as_ref().filter(|c| match self.policy {
            CachePolicy::UntilMiss | CachePolicy::Forever => true,
            _ => c.until.is_some_and(|u| u > now),
        });
        if let Some(cached) = live {
            let found = matching(&cached.keys, kid);
            let refetch = match self.policy {
                CachePolicy::MaxAgeOnly | CachePolicy::Forever => false,
                CachePolicy::UntilMiss => found.is_empty(),
                CachePolicy::MaxAgeAndMiss => {
                    found.is_empty() && now.duration_since(cached.fetched) >= MISS_INTERVAL
                }
            };
            if !refetch {
                return if found.is_empty() {
                    Err(self.no_key(kid))
                } else {
                    Ok(found)
                };
            }
        }
        let (keys, max_age) = self.fetch().await?;
        let found = matching(&keys, kid);
        let keep = match self.policy {
            CachePolicy::UntilMiss | CachePolicy::Forever => true,
            _ => max_age.is_some(),
        };
        *cache = keep.then(|| Cached {
            keys,
            until: max_age.map(|m| now + m),
            fetched: now,
        });
        if found.is_empty() {
            Err(self.no_key(kid))
        } else {
            Ok(found)
        }
    }

    fn no_key(&self, kid: Option<&str>) -> KeyError {
        KeyError::NoKey {
            url: self.url.clone(),
            kid: kid.unwrap_or("null").to_owned(),
        }
    }

    async fn fetch(&self) -> Result<(Vec<Jwk>, Option<Duration>), KeyError> {
        let failed = || KeyError::Unavailable(self.url.clone());
        let response = self
            .client
            .get(&self.url)
            .send()
            .await
            .map_err(|_| failed())?;
        if !response.status().is_success() {
            return Err(failed());
        }
        let max_age = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .and_then(max_age);
        let body = response.bytes().await.map_err(|_| failed())?;
        // Keys this server cannot use (other key types, bad numbers) are skipped, not fatal.
        let raw: serde_json::Value = serde_json::from_slice(&body).map_err(|_| failed())?;
        let entries = raw
            .get("keys")
            .and_then(|k| k.as_array())
            .ok_or_else(failed)?;
        let keys: Vec<Jwk> = entries
            .iter()
            .filter_map(|k| serde_json::from_value(k.clone()).ok())
            .collect();
        if keys.is_empty() {
            return Err(KeyError::Empty(self.url.clone()));
        }
        Ok((keys, max_age))
    }
}

fn matching(keys: &[Jwk], kid: Option<&str>) -> Vec<Jwk> {
    keys.iter()
        .filter(|k| kid.is_none() || k.common.key_id.as_deref() == kid)
        .cloned()
        .collect()
}

/// `max-age=N` with N > 0 at the start of a `Cache-Control` value (CrateDB's reading).
pub fn max_age(cache_control: &str) -> Option<Duration> {
    let rest = cache_control.trim().strip_prefix("max-age=")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let seconds: u64 = digits.parse().ok()?;
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_only_at_the_start() {
        assert_eq!(max_age("max-age=300"), Some(Duration::from_secs(300)));
        assert_eq!(max_age("max-age=5, public"), Some(Duration::from_secs(5)));
        assert_eq!(max_age("max-age=0"), None);
        assert_eq!(max_age("public, max-age=300"), None);
        assert_eq!(max_age("no-store"), None);
        assert_eq!(max_age("max-age=abc"), None);
    }
}
