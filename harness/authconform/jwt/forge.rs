//! Makes tokens: signed ones through jsonwebtoken's signer, and the malformed or unsafe ones no
//! library makes, by writing the three segments itself. Pure apart from the clock value passed in.

use super::JwtError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, crypto};

use serde_json::{Map, Value, json};

use super::keys::{KeyId, KeyRing, alg_name, algorithm, signing_alg};

/// Everything a token is made from, with templates already filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSpec {
    pub key: KeyId,
    /// The header's `alg`; the key's own algorithm when not given.
    pub alg: Option<String>,
    /// Header fields over the defaults (`alg`, `typ`, `kid`); `null` removes one.
    pub header: Map<String, Value>,
    /// The claims; `null` removes one; `"+1h"`, `"-1s"`, `"now"` are times relative to signing.
    pub claims: Map<String, Value>,
    pub mutate: Option<Mutation>,
}

impl TokenSpec {
    /// A valid token for `user` from `issuer` to `audience`, signed with `rs256`: `sub` and
    /// `username` name the user, `exp` an hour ahead, `iat` now.
    pub fn valid(issuer: &str, audience: &str, user: &str) -> TokenSpec {
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(issuer));
        claims.insert("aud".into(), json!(audience));
        claims.insert("sub".into(), json!(user));
        claims.insert("username".into(), json!(user));
        claims.insert("exp".into(), json!("+1h"));
        claims.insert("iat".into(), json!("now"));
        TokenSpec {
            key: KeyId::Rs256,
            alg: None,
            header: Map::new(),
            claims,
            mutate: None,
        }
    }
}

pub use authconform_format::jwt::Mutation;

/// What a token may point at besides its own content.
pub struct ForgeContext<'a> {
    pub keys: &'a KeyRing,
    /// The attacker's JWKS URL, for `jku`/`x5u`.
    pub attacker_jwks_url: &'a str,
    /// Seconds since the Unix epoch at signing.
    pub now: i64,
}

/// `+1h`, `-1s`, `+10m`, `+2d`, `now` → seconds from now. Anything else is not a relative time.
pub fn relative_seconds(text: &str) -> Option<i64> {
    if text == "now" {
        return Some(0);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &text[1..];
    let split = rest.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = rest.split_at(split);
    let n: i64 = digits.parse().ok()?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(scale)?.checked_mul(sign)
}

/// Claims with relative times replaced by Unix seconds and `null`s dropped.
pub fn resolve_claims(claims: &Map<String, Value>, now: i64) -> Map<String, Value> {
    claims
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let resolved = match v.as_str().and_then(relative_seconds) {
                Some(offset) => json!(now.saturating_add(offset)),
                None => v.clone(),
            };
            (k.clone(), resolved)
        })
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn sign(input: &str, key: &EncodingKey, alg: Algorithm) -> Result<String, JwtError> {
    crypto::sign(input.as_bytes(), key, alg)
        .map_err(|e| JwtError::Forge(format!("cannot sign ({alg:?}): {e}")))
}

/// An HMAC key made of public key material (the key-confusion mutations); never empty here.
fn hmac_key(secret: &[u8]) -> Result<EncodingKey, JwtError> {
    EncodingKey::from_secret(secret)
        .map_err(|e| JwtError::Forge(format!("cannot make an HMAC key: {e}")))
}

/// Makes the token `spec` describes.
pub fn forge(spec: &TokenSpec, ctx: &ForgeContext) -> Result<String, JwtError> {
    let mutate = spec.mutate;
    let key_id = if mutate.is_some_and(Mutation::attacker_signs) {
        KeyId::Attacker
    } else {
        spec.key
    };
    let key = ctx.keys.get(key_id);
    let alg_text = match (&spec.alg, mutate) {
        (Some(a), _) => a.clone(),
        (None, Some(Mutation::Unsigned)) => "none".into(),
        (
            None,
            Some(
                Mutation::Hs256PublicPem
                | Mutation::Hs256PublicDer
                | Mutation::Hs256PublicPemNoNewline
                | Mutation::Hs256PublicJwkN,
            ),
        ) => "HS256".into(),
        (None, _) => alg_name(algorithm(key_id)),
    };
    let mut header = Map::new();
    header.insert("alg".into(), json!(alg_text));
    header.insert("typ".into(), json!("JWT"));
    header.insert("kid".into(), json!(key_id.default_kid()));
    match mutate {
        Some(Mutation::EmbeddedJwk) => {
            header.insert("jwk".into(), key.jwk.clone());
        }
        Some(Mutation::JkuAttacker) => {
            header.insert("jku".into(), json!(ctx.attacker_jwks_url));
        }
        Some(Mutation::X5uAttacker) => {
            header.insert("x5u".into(), json!(ctx.attacker_jwks_url));
        }
        Some(Mutation::CritUnknown) => {
            header.insert("crit".into(), json!(["authconform-unknown"]));
            header.insert("authconform-unknown".into(), json!(true));
        }
        _ => {}
    }
    for (name, value) in &spec.header {
        if value.is_null() {
            header.remove(name);
        } else {
            header.insert(name.clone(), value.clone());
        }
    }
    let mut claims = resolve_claims(&spec.claims, ctx.now);
    if mutate == Some(Mutation::Oversized) {
        claims.insert("pad".into(), json!("A".repeat(64 * 1024)));
    }
    let header_json = Value::Object(header).to_string();
    let claims_json = match mutate {
        Some(Mutation::DuplicateClaim) => {
            let rest = Value::Object(claims.clone()).to_string();
            // `{"aud":"someone-else", …the real claims, including the right aud…}`
            format!(
                "{{\"aud\":\"someone-else\",{}",
                rest.trim_start_matches('{')
            )
        }
        _ => Value::Object(claims.clone()).to_string(),
    };
    let header_b64 = match mutate {
        Some(Mutation::HeaderNotJson) => b64(b"not json"),
        _ => b64(header_json.as_bytes()),
    };
    let payload_b64 = match mutate {
        Some(Mutation::PayloadNotJson) => b64(b"{not json"),
        Some(Mutation::PayloadNotObject) => b64(b"[\"a JWT claims set is an object\"]"),
        _ => b64(claims_json.as_bytes()),
    };
    let input = format!("{header_b64}.{payload_b64}");
    let signature = match mutate {
        Some(Mutation::Unsigned) => String::new(),
        Some(Mutation::Hs256PublicPem) => sign(
            &input,
            &hmac_key(key.public_pem.as_bytes())?,
            Algorithm::HS256,
        )?,
        Some(Mutation::Hs256PublicDer) => {
            sign(&input, &hmac_key(&key.public_der)?, Algorithm::HS256)?
        }
        Some(Mutation::Hs256PublicPemNoNewline) => sign(
            &input,
            &hmac_key(key.public_pem.trim_end_matches('\n').as_bytes())?,
            Algorithm::HS256,
        )?,
        Some(Mutation::Hs256PublicJwkN) => {
            let n = key.jwk["n"].as_str().ok_or(JwtError::Forge(
                "hs256_public_jwk_n needs an RSA key (its JWK has no `n`)".to_owned(),
            ))?;
            sign(&input, &hmac_key(n.as_bytes())?, Algorithm::HS256)?
        }
        Some(Mutation::ZeroSignature) => {
            let len = if key_id == KeyId::Es256 { 64 } else { 256 };
            b64(&vec![0u8; len])
        }
        _ => {
            let alg = signing_alg(&alg_text).unwrap_or(algorithm(key_id));
            sign(&input, &key.encoding, alg)?
        }
    };
    Ok(match mutate {
        Some(Mutation::EmptySignature) => format!("{input}."),
        Some(Mutation::TamperPayload) => {
            let mut changed = claims;
            for name in ["username", "sub"] {
                if changed.contains_key(name) {
                    changed.insert(name.into(), json!("mallory"));
                }
            }
            changed.insert("admin".into(), json!(true));
            format!(
                "{header_b64}.{}.{signature}",
                b64(Value::Object(changed).to_string().as_bytes())
            )
        }
        Some(Mutation::TamperHeader) => {
            let mut changed: Map<String, Value> =
                serde_json::from_str(&header_json).unwrap_or_default();
            changed.insert("x-tampered".into(), json!(true));
            format!(
                "{}.{payload_b64}.{signature}",
                b64(Value::Object(changed).to_string().as_bytes())
            )
        }
        Some(Mutation::TwoSegments) => input,
        Some(Mutation::FourSegments) => format!("{input}.{signature}.{signature}"),
        Some(Mutation::EmptyPayloadSegment) => format!("{header_b64}..{signature}"),
        Some(Mutation::Padded) => format!("{header_b64}==.{payload_b64}==.{signature}=="),
        Some(Mutation::NonBase64url) => format!(
            "{input}.{}",
            signature.replace('-', "+").replace('_', "/") + "+/"
        ),
        Some(Mutation::Spaces) => format!("{header_b64}. {payload_b64}.{signature}"),
        Some(Mutation::JsonSerialization) => json!({
            "protected": header_b64,
            "payload": payload_b64,
            "signature": signature,
        })
        .to_string(),
        _ => format!("{input}.{signature}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::jws::parse_compact;
    use jsonwebtoken::{DecodingKey, Validation, decode, jwk::Jwk};
    use std::sync::OnceLock;

    fn ring() -> &'static KeyRing {
        static RING: OnceLock<KeyRing> = OnceLock::new();
        RING.get_or_init(|| KeyRing::generate().unwrap())
    }

    fn spec(key: KeyId, mutate: Option<Mutation>) -> TokenSpec {
        let claims = json!({"sub": "alice", "aud": "authconform", "exp": "+1h", "iat": "now"});
        TokenSpec {
            key,
            alg: None,
            header: Map::new(),
            claims: claims.as_object().unwrap().clone(),
            mutate,
        }
    }

    fn ctx() -> ForgeContext<'static> {
        ForgeContext {
            keys: ring(),
            attacker_jwks_url: "http://127.0.0.1:1/attacker/jwks.json",
            now: 1_800_000_000,
        }
    }

    fn verifies(token: &str, key: KeyId) -> bool {
        let jwk: Jwk = serde_json::from_value(ring().get(key).jwk.clone()).unwrap();
        let mut validation = Validation::new(algorithm(key));
        validation.set_audience(&["authconform"]);
        validation.validate_exp = false;
        decode::<Value>(token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation).is_ok()
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative_seconds("+1h"), Some(3600));
        assert_eq!(relative_seconds("-1s"), Some(-1));
        assert_eq!(relative_seconds("+10m"), Some(600));
        assert_eq!(relative_seconds("now"), Some(0));
        assert_eq!(relative_seconds("1h"), None);
        assert_eq!(relative_seconds("+1y"), None);
        assert_eq!(relative_seconds("+99999999999999999999s"), None);
        let claims = resolve_claims(
            json!({"exp": "-1s", "aud": null, "iss": "x"})
                .as_object()
                .unwrap(),
            100,
        );
        assert_eq!(Value::Object(claims), json!({"exp": 99, "iss": "x"}));
    }

    #[test]
    fn a_plain_token_verifies_with_its_published_key() {
        for key in [KeyId::Rs256, KeyId::Rs384, KeyId::Ps256, KeyId::Es256] {
            let token = forge(&spec(key, None), &ctx()).unwrap();
            assert!(verifies(&token, key), "{key:?}");
            let parsed = parse_compact(&token).unwrap();
            assert_eq!(parsed.header["kid"], key.name());
            assert_eq!(parsed.claims().unwrap()["exp"], 1_800_003_600);
        }
    }

    #[test]
    fn the_outsider_claims_a_published_kid_but_does_not_verify() {
        let token = forge(&spec(KeyId::Outsider, None), &ctx()).unwrap();
        assert_eq!(parse_compact(&token).unwrap().header["kid"], "rs256");
        assert!(!verifies(&token, KeyId::Rs256));
    }

    #[test]
    fn every_mutation_makes_a_token_that_does_not_verify() {
        for mutation in Mutation::ALL {
            let token = forge(&spec(KeyId::Rs256, Some(mutation)), &ctx()).unwrap();
            let ok = verifies(&token, KeyId::Rs256);
            // An oversized token is validly signed: only its size is under test. (A crit header
            // and a duplicate claim are validly signed as well, but jsonwebtoken 12 refuses an
            // unknown `crit` (RFC 7515 §4.1.11) and duplicate fields.)
            let signed_validly = matches!(mutation, Mutation::Oversized);
            assert_eq!(ok, signed_validly, "{mutation:?}: {token:.80}");
        }
    }

    #[test]
    fn mutations_have_the_shape_they_name() {
        let make = |m| forge(&spec(KeyId::Rs256, Some(m)), &ctx()).unwrap();
        assert!(make(Mutation::Unsigned).ends_with('.'));
        assert_eq!(
            parse_compact(&make(Mutation::Unsigned)).unwrap().alg(),
            "none"
        );
        assert_eq!(make(Mutation::TwoSegments).split('.').count(), 2);
        assert_eq!(make(Mutation::FourSegments).split('.').count(), 4);
        assert!(make(Mutation::Padded).contains("=="));
        assert!(make(Mutation::Spaces).contains(' '));
        assert!(make(Mutation::Oversized).len() > 64 * 1024);
        let jku = make(Mutation::JkuAttacker);
        let jku = parse_compact(&jku).unwrap();
        assert_eq!(jku.header["jku"], "http://127.0.0.1:1/attacker/jwks.json");
        assert_eq!(jku.header["kid"], "attacker");
        let hs = make(Mutation::Hs256PublicPem);
        let hs = parse_compact(&hs).unwrap();
        assert_eq!(hs.alg(), "HS256");
        let es = forge(&spec(KeyId::Es256, Some(Mutation::ZeroSignature)), &ctx()).unwrap();
        assert_eq!(parse_compact(&es).unwrap().signature, vec![0u8; 64]);
        let json: Value = serde_json::from_str(&make(Mutation::JsonSerialization)).unwrap();
        assert!(json["protected"].is_string());
        let dup = make(Mutation::DuplicateClaim);
        let dup = parse_compact(&dup).unwrap();
        let text = String::from_utf8(dup.payload).unwrap();
        assert_eq!(text.matches("\"aud\"").count(), 2, "{text}");
    }

    #[test]
    fn header_overrides_and_removals() {
        let mut s = spec(KeyId::Rs256, None);
        s.header.insert("kid".into(), Value::Null);
        s.header.insert("x".into(), json!(1));
        s.alg = Some("RS384".into());
        let token = forge(&s, &ctx()).unwrap();
        let parsed = parse_compact(&token).unwrap();
        assert!(!parsed.header.contains_key("kid"));
        assert_eq!(parsed.header["x"], 1);
        assert_eq!(parsed.alg(), "RS384");
    }
}
