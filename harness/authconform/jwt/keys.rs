//! The run's signing keys, made fresh at start: RSA 2048 and EC P-256 (aws-lc-rs), each with the JWK
//! the mock issuer publishes and the public key forms a key-confusion attack uses.

use super::JwtError;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

pub use authconform_format::jwt::KeyId;

/// One key pair: what signs, and what is published.
pub struct SigningKey {
    pub id: KeyId,
    pub encoding: EncodingKey,
    /// The public JWK (`kty`, `kid`, `use`, `alg` unless `NoAlg`, and the key's numbers).
    pub jwk: Value,
    /// SubjectPublicKeyInfo, DER and PEM: what a confused server might use as an HMAC secret.
    pub public_der: Vec<u8>,
    pub public_pem: String,
}

/// Every key of the run. RSA material is shared between the kids of one issuer key (rs256, rs384,
/// rs512, ps256, noalg): one 2048-bit key, published under five names with five `alg` values.
pub struct KeyRing {
    keys: Vec<SigningKey>,
    /// PKCS#8 of the four RSA pairs and the EC pair, base64.
    private: Vec<String>,
}

impl KeyRing {
    pub fn generate() -> Result<KeyRing, JwtError> {
        let ec = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| JwtError::Key("cannot generate an EC P-256 key".to_owned()))?;
        KeyRing::from_pairs([rsa()?, rsa()?, rsa()?, rsa()?], ec)
    }

    /// From the four RSA pairs (issuer, rotated, outsider, attacker) and the EC pair.
    fn from_pairs(rsa: [RsaKeyPair; 4], ec: EcdsaKeyPair) -> Result<KeyRing, JwtError> {
        let [issuer, rotated, outsider, attacker] = &rsa;
        let mut keys = Vec::new();
        for id in KeyId::ALL {
            let key = match id {
                KeyId::Es256 => ec_key(&ec)?,
                KeyId::Rotated => rsa_key(id, rotated)?,
                KeyId::Outsider => rsa_key(id, outsider)?,
                KeyId::Attacker => rsa_key(id, attacker)?,
                _ => rsa_key(id, issuer)?,
            };
            keys.push(key);
        }
        let mut private = Vec::new();
        for pair in &rsa {
            let der = pair
                .as_der()
                .map_err(|_| JwtError::Key("cannot export an RSA key".to_owned()))?;
            private.push(STANDARD.encode(der.as_ref()));
        }
        let ec_der = ec
            .to_pkcs8v1()
            .map_err(|_| JwtError::Key("cannot export the EC key".to_owned()))?;
        private.push(STANDARD.encode(ec_der.as_ref()));
        Ok(KeyRing { keys, private })
    }

    /// The private keys as JSON (PKCS#8, base64), for `--keys FILE`: keep it private.
    pub fn to_json(&self) -> String {
        json!({"authconform_keys": 1, "pkcs8": self.private}).to_string()
    }

    pub fn from_json(text: &str) -> Result<KeyRing, JwtError> {
        let bad = |why: &str| format!("not an authconform key file: {why}");
        let doc: Value =
            serde_json::from_str(text).map_err(|e| JwtError::KeyFile(bad(&e.to_string())))?;
        let items: Vec<Vec<u8>> = doc["pkcs8"]
            .as_array()
            .ok_or_else(|| JwtError::KeyFile(bad("no pkcs8 list")))?
            .iter()
            .map(|v| {
                v.as_str()
                    .and_then(|s| STANDARD.decode(s).ok())
                    .ok_or_else(|| JwtError::KeyFile(bad("a key is not base64")))
            })
            .collect::<Result<_, _>>()?;
        let [a, b, c, d, e] = items.as_slice() else {
            return Err(JwtError::KeyFile(bad("expected 5 keys")));
        };
        let rsa = |der: &[u8]| {
            RsaKeyPair::from_pkcs8(der)
                .map_err(|_| JwtError::KeyFile(bad("an RSA key does not parse")))
        };
        let ec = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, e)
            .map_err(|_| JwtError::KeyFile(bad("the EC key does not parse")))?;
        KeyRing::from_pairs([rsa(a)?, rsa(b)?, rsa(c)?, rsa(d)?], ec)
    }

    /// Loads `path`, or generates a ring and writes it there (mode 0600) when it does not exist.
    pub fn load_or_create(path: &std::path::Path) -> Result<KeyRing, JwtError> {
        match crate::scenario::load::read_input_text(path, crate::scenario::load::MAX_FILE_BYTES) {
            Ok(text) => KeyRing::from_json(&text)
                .map_err(|e| JwtError::KeyFile(format!("{}: {e}", path.display()))),
            Err(_) if std::fs::symlink_metadata(path).is_err() => {
                let ring = KeyRing::generate()?;
                use std::io::Write;
                use std::os::unix::fs::OpenOptionsExt;
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .and_then(|mut f| f.write_all(ring.to_json().as_bytes()))
                    .map_err(|e| {
                        JwtError::KeyFile(format!("cannot write {}: {e}", path.display()))
                    })?;
                Ok(ring)
            }
            Err(e) => Err(JwtError::KeyFile(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn get(&self, id: KeyId) -> &SigningKey {
        self.keys
            .iter()
            .find(|k| k.id == id)
            .expect("the ring holds every KeyId")
    }

    /// A JWKS document of these keys.
    pub fn jwks(&self, ids: &[KeyId]) -> Value {
        json!({ "keys": ids.iter().map(|id| self.get(*id).jwk.clone()).collect::<Vec<_>>() })
    }
}

fn rsa() -> Result<RsaKeyPair, JwtError> {
    RsaKeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| JwtError::Key("cannot generate an RSA key".to_owned()))
}

fn rsa_key(id: KeyId, pair: &RsaKeyPair) -> Result<SigningKey, JwtError> {
    let pkcs8 = pair
        .as_der()
        .map_err(|_| JwtError::Key("cannot export the RSA key".to_owned()))?;
    let encoding = EncodingKey::from_rsa_pem(pem("PRIVATE KEY", pkcs8.as_ref()).as_bytes())
        .map_err(|e| JwtError::Key(format!("jsonwebtoken refused the RSA key: {e}")))?;
    let public = pair.public_key();
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let mut jwk = json!({
        "kty": "RSA",
        "kid": id.name(),
        "use": "sig",
        "n": b64(public.modulus().big_endian_without_leading_zero()),
        "e": b64(public.exponent().big_endian_without_leading_zero()),
    });
    if id != KeyId::NoAlg {
        jwk["alg"] = json!(alg_name(algorithm(id)));
    }
    let public_der = public
        .as_der()
        .map_err(|_| JwtError::Key("cannot export the RSA public key".to_owned()))?
        .as_ref()
        .to_vec();
    Ok(SigningKey {
        id,
        encoding,
        jwk,
        public_pem: pem("PUBLIC KEY", &public_der),
        public_der,
    })
}

fn ec_key(pair: &EcdsaKeyPair) -> Result<SigningKey, JwtError> {
    let pkcs8 = pair
        .to_pkcs8v1()
        .map_err(|_| JwtError::Key("cannot export the EC key".to_owned()))?;
    let encoding = EncodingKey::from_ec_der(pkcs8.as_ref());
    let point = pair.public_key().as_ref();
    // An uncompressed P-256 point: 0x04, x (32 bytes), y (32 bytes).
    if point.len() != 65 || point[0] != 4 {
        return Err(JwtError::Key("unexpected EC public key encoding".into()));
    }
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let jwk = json!({
        "kty": "EC",
        "kid": KeyId::Es256.name(),
        "use": "sig",
        "alg": "ES256",
        "crv": "P-256",
        "x": b64(&point[1..33]),
        "y": b64(&point[33..]),
    });
    let public_der = pair
        .public_key()
        .as_der()
        .map_err(|_| JwtError::Key("cannot export the EC public key".to_owned()))?
        .as_ref()
        .to_vec();
    Ok(SigningKey {
        id: KeyId::Es256,
        encoding,
        jwk,
        public_pem: pem("PUBLIC KEY", &public_der),
        public_der,
    })
}

/// The JOSE name of an algorithm (`RS256`, …).
pub fn alg_name(alg: Algorithm) -> String {
    serde_json::to_value(alg)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// `alg` values a forged token may state while being signed by a key of the ring.
pub fn signing_alg(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "RS512" => Some(Algorithm::RS512),
        "PS256" => Some(Algorithm::PS256),
        "PS384" => Some(Algorithm::PS384),
        "PS512" => Some(Algorithm::PS512),
        "ES256" => Some(Algorithm::ES256),
        _ => None,
    }
}

/// The algorithm a token signed by `id` states by default.
pub fn algorithm(id: KeyId) -> Algorithm {
    signing_alg(id.alg()).unwrap_or(Algorithm::RS256)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation, decode, encode, jwk::Jwk};

    #[test]
    fn published_jwks_verify_what_their_keys_sign() {
        let ring = KeyRing::generate().unwrap();
        for id in [KeyId::Rs256, KeyId::Rs512, KeyId::Ps256, KeyId::Es256] {
            let key = ring.get(id);
            let header = jsonwebtoken::Header::new(algorithm(id));
            let token = encode(&header, &json!({"sub": "x"}), &key.encoding).unwrap();
            let jwk: Jwk = serde_json::from_value(key.jwk.clone()).unwrap();
            let mut validation = Validation::new(algorithm(id));
            validation.required_spec_claims.clear();
            validation.validate_exp = false;
            let decoded =
                decode::<Value>(&token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation);
            assert!(decoded.is_ok(), "{id:?}: {decoded:?}");
        }
        assert!(ring.get(KeyId::NoAlg).jwk.get("alg").is_none());
        assert_ne!(
            ring.get(KeyId::Rs256).jwk["n"],
            ring.get(KeyId::Attacker).jwk["n"]
        );
        assert!(
            ring.get(KeyId::Rs256)
                .public_pem
                .starts_with("-----BEGIN PUBLIC KEY-----\n")
        );
    }
}
