//! Bearer JWT validation for the reference dialects: the rules each dialect's spec gives, as one
//! policy. Signatures and `aud`/`iss` through jsonwebtoken; times checked here, to the second.

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, crypto, decode};
use serde_json::{Map, Value};

use super::flaws::{Flaw, Flaws};
use super::jwks::{CachePolicy, JwksSource, KeyError};
use crate::authn::jws::parse_compact;

#[derive(Debug, Clone)]
pub struct Policy {
    pub issuer: String,
    /// Algorithms accepted at all; `none` and HS* are never among them.
    pub algorithms: Vec<Algorithm>,
    pub require_kid: bool,
    /// The token's `alg` must equal the JWK's (`RS256` when the JWK has none).
    pub alg_from_jwk: bool,
    pub require_exp: bool,
    /// How far ahead `nbf` may be (Weaviate: 5 minutes).
    pub nbf_grace: i64,
    pub refuse_future_iat: bool,
    /// Refuse a token without `iat` (RFC 9068 §2.2).
    pub require_iat: bool,
    /// Deliberate bugs (`authconform mutants`); none in a normal run.
    pub flaws: Flaws,
}

pub const RSA_ONLY: &[Algorithm] = &[Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];
pub const RS256_ONLY: &[Algorithm] = &[Algorithm::RS256];
pub const ASYMMETRIC: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Why a token was refused, worded as the server answers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Not a compact JWS at all (some servers answer this one differently).
    #[error("{0}")]
    Malformed(String),
    /// A well-formed token that breaks a rule: algorithm, key, signature, claims.
    #[error("{0}")]
    Refused(String),
}

impl From<KeyError> for Rejection {
    fn from(e: KeyError) -> Rejection {
        Rejection::Refused(e.to_string())
    }
}

fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The claims of a token that passes every rule of `policy`, or why it does not.
pub async fn verify(
    token: &str,
    policy: &Policy,
    audience: Option<&str>,
    keys: &JwksSource,
    now: i64,
) -> Result<Map<String, Value>, Rejection> {
    let flaw = |f| policy.flaws.has(f);
    let jws = parse_compact(token)
        .map_err(|e| Rejection::Malformed(format!("The token is not a compact JWS: {e}")))?;
    let alg_text = jws.alg().to_owned();
    let unverified = || {
        jws.claims().ok_or(Rejection::Refused(
            "The payload is not a JSON object".to_owned().to_owned(),
        ))
    };
    if (flaw(Flaw::AlgNoneAccepted) && alg_text.eq_ignore_ascii_case("none"))
        || (flaw(Flaw::HmacWithPublicKey) && alg_text == "HS256")
    {
        return unverified();
    }
    let alg: Algorithm = serde_json::from_value(Value::String(alg_text.clone()))
        .ok()
        .filter(|a| policy.algorithms.contains(a))
        .ok_or_else(|| Rejection::Refused(format!("The algorithm {alg_text:?} is not accepted")))?;
    if jws.header.contains_key("crit") && !flaw(Flaw::CritIgnored) {
        return Err(Rejection::Refused(
            "The token names critical header extensions this server does not know".into(),
        ));
    }
    let kid = jws.header.get("kid").and_then(Value::as_str);
    if policy.require_kid && kid.is_none() {
        return Err(Rejection::Refused(
            "The JWT token must contain a public key id (kid)".into(),
        ));
    }
    let jku = jws.header.get("jku").and_then(Value::as_str);
    let candidates = match (flaw(Flaw::JkuFollowed), jku) {
        (true, Some(url)) => {
            JwksSource::new(url.to_owned(), CachePolicy::MaxAgeOnly)
                .map_err(|e| Rejection::Refused(e.to_string()))?
                .candidates(kid)
                .await
        }
        _ => keys.candidates(kid).await,
    };
    let candidates = match candidates {
        Err(_) if flaw(Flaw::UnknownKidAnyKey) && kid.is_some() => keys.candidates(None).await,
        other => other,
    };
    let candidates = match candidates {
        Ok(c) => c,
        Err(e) if flaw(Flaw::JwksFailOpen) && !matches!(e, KeyError::NoKey { .. }) => {
            return unverified();
        }
        Err(e) => return Err(e.into()),
    };
    let mut validation = Validation::new(alg);
    validation.algorithms = vec![alg];
    validation.leeway = 0;
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let mut required = Vec::new();
    // The `iss-prefix` and `aud-substring` flaws compare by hand, after the signature.
    if !flaw(Flaw::IssIgnored) && !flaw(Flaw::IssPrefix) {
        validation.set_issuer(&[&policy.issuer]);
        required.push("iss");
    }
    match audience {
        Some(aud) if !flaw(Flaw::AudIgnored) && !flaw(Flaw::AudSubstring) => {
            validation.set_audience(&[aud]);
            required.push("aud");
        }
        _ => validation.validate_aud = false,
    }
    validation.set_required_spec_claims(&required);
    // jsonwebtoken refuses every `crit` header it does not implement; a server with the
    // `crit-ignored` flaw checks the signature alone and then the claims by hand.
    let signature_only = flaw(Flaw::CritIgnored) && jws.header.contains_key("crit");
    let mut last = String::from("No key verifies the signature");
    let mut claims = None;
    for jwk in &candidates {
        if let Err(Rejection::Refused(e)) = alg_matches(policy, alg, jwk) {
            last = e;
            continue;
        }
        let Ok(key) = DecodingKey::from_jwk(jwk) else {
            continue;
        };
        if signature_only {
            let (message, signature) = token.rsplit_once('.').unwrap_or((token, ""));
            if crypto::verify(signature, message.as_bytes(), &key, alg).unwrap_or(false) {
                let parsed = jws.claims().ok_or(Rejection::Refused(
                    "The payload is not a JSON object".to_owned(),
                ))?;
                strict_claim_checks(&required, &policy.issuer, audience, &parsed)?;
                claims = Some(parsed);
                break;
            }
            continue;
        }
        match decode::<Map<String, Value>>(token, &key, &validation) {
            Ok(data) => {
                claims = Some(data.claims);
                break;
            }
            Err(e) => last = format!("The token was refused: {e}"),
        }
    }
    let claims = claims.ok_or(Rejection::Refused(last))?;
    flawed_claim_checks(policy, audience, &claims)?;
    check_times(policy, &claims, now)?;
    Ok(claims)
}

/// What `Validation` checks of `iss` and `aud`, for the one path that bypasses it.
fn strict_claim_checks(
    required: &[&str],
    issuer: &str,
    audience: Option<&str>,
    claims: &Map<String, Value>,
) -> Result<(), Rejection> {
    let refuse = |what: &str| Err(Rejection::Refused(format!("The token was refused: {what}")));
    if required.contains(&"iss") && claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return refuse("InvalidIssuer");
    }
    if let Some(expected) = audience.filter(|_| required.contains(&"aud")) {
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => a == expected,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expected)),
            _ => false,
        };
        if !ok {
            return refuse("InvalidAudience");
        }
    }
    Ok(())
}

/// The loose `iss` and `aud` comparisons of the `iss-prefix` and `aud-substring` flaws.
fn flawed_claim_checks(
    policy: &Policy,
    audience: Option<&str>,
    claims: &Map<String, Value>,
) -> Result<(), Rejection> {
    let flaw = |f| policy.flaws.has(f);
    if flaw(Flaw::IssPrefix) && !flaw(Flaw::IssIgnored) {
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !iss
            .to_ascii_lowercase()
            .starts_with(&policy.issuer.to_ascii_lowercase())
        {
            return Err(Rejection::Refused(
                "The token was refused: InvalidIssuer".into(),
            ));
        }
    }
    if let Some(expected) = audience
        && flaw(Flaw::AudSubstring)
        && !flaw(Flaw::AudIgnored)
    {
        let loose = |a: &str| !a.is_empty() && (a.contains(expected) || expected.contains(a));
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => loose(a),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(loose),
            _ => false,
        };
        if !ok {
            return Err(Rejection::Refused(
                "The token was refused: InvalidAudience".into(),
            ));
        }
    }
    Ok(())
}

fn alg_matches(policy: &Policy, alg: Algorithm, jwk: &Jwk) -> Result<(), Rejection> {
    let key_alg = jwk
        .common
        .key_algorithm
        .map_or_else(|| "RS256".to_owned(), |a| name_of(&a));
    if policy.alg_from_jwk
        && !policy.flaws.has(Flaw::AlgMismatchIgnored)
        && key_alg != name_of(&alg)
    {
        return Err(Rejection::Refused(format!(
            "JWT algorithm {} doesn't match public key algorithm {key_alg}",
            name_of(&alg)
        )));
    }
    Ok(())
}

/// Seconds of leeway the `generous-leeway` flaw allows.
const GENEROUS_LEEWAY: i64 = 300;

/// `exp` (expired when now ≥ exp), `nbf` and `iat` against `now`, with no leeway but the policy's.
pub fn check_times(
    policy: &Policy,
    claims: &Map<String, Value>,
    now: i64,
) -> Result<(), Rejection> {
    let number = |name: &str| -> Result<Option<i64>, Rejection> {
        match claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| Rejection::Refused(format!("The Claim '{name}' is not a number"))),
        }
    };
    let flaw = |f| policy.flaws.has(f);
    let leeway = if flaw(Flaw::GenerousLeeway) {
        GENEROUS_LEEWAY
    } else {
        0
    };
    match number("exp")? {
        _ if flaw(Flaw::ExpIgnored) => {}
        Some(exp) if now >= exp + leeway => {
            return Err(Rejection::Refused(format!(
                "The Token has expired on {exp}"
            )));
        }
        None if policy.require_exp && !flaw(Flaw::NoExpAccepted) => {
            return Err(Rejection::Refused("The Token has no expiry (exp)".into()));
        }
        _ => {}
    }
    if let Some(nbf) = number("nbf")?
        && !flaw(Flaw::NbfIgnored)
        && nbf > now + policy.nbf_grace + leeway
    {
        return Err(Rejection::Refused(format!(
            "The Token can't be used before {nbf}"
        )));
    }
    if policy.require_iat && claims.get("iat").is_none() {
        return Err(Rejection::Refused(
            "The Token has no issue time (iat)".into(),
        ));
    }
    if policy.refuse_future_iat
        && !flaw(Flaw::NbfIgnored)
        && !flaw(Flaw::FutureIatAccepted)
        && let Some(iat) = number("iat")?
        && iat > now + leeway
    {
        return Err(Rejection::Refused(format!(
            "The Token can't be used before {iat}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy() -> Policy {
        Policy {
            issuer: "i".into(),
            algorithms: RSA_ONLY.to_vec(),
            require_kid: true,
            alg_from_jwk: true,
            require_exp: false,
            nbf_grace: 0,
            refuse_future_iat: true,
            require_iat: false,
            flaws: Flaws::default(),
        }
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn times_to_the_second() {
        let p = policy();
        assert!(check_times(&p, &claims(json!({"exp": 101})), 100).is_ok());
        assert!(check_times(&p, &claims(json!({"exp": 100})), 100).is_err());
        assert!(check_times(&p, &claims(json!({})), 100).is_ok());
        assert!(
            check_times(
                &Policy {
                    require_exp: true,
                    ..p.clone()
                },
                &claims(json!({})),
                100
            )
            .is_err()
        );
        assert!(check_times(&p, &claims(json!({"exp": "200"})), 100).is_err());
        assert!(check_times(&p, &claims(json!({"nbf": 101})), 100).is_err());
        assert!(
            check_times(
                &Policy {
                    nbf_grace: 300,
                    ..p.clone()
                },
                &claims(json!({"nbf": 101})),
                100
            )
            .is_ok()
        );
        assert!(check_times(&p, &claims(json!({"iat": 101})), 100).is_err());
        assert!(
            check_times(
                &Policy {
                    refuse_future_iat: false,
                    require_iat: false,
                    ..p
                },
                &claims(json!({"iat": 101})),
                100
            )
            .is_ok()
        );
    }
}
