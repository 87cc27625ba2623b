//! CrateDB-style password records: PBKDF2-HMAC-SHA512 with per-record iterations, a random salt and
//! a 64-byte key (`io/crate/role/SecureHash.java`). Text form: `$pbkdf2-sha512$i=<N>$<salt>$<key>`
//! with standard padded base64; JSON form: `{"iterations": N, "salt": "<b64>", "hash": "<b64>"}`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::Sha512;

use crate::constant_time::ct_eq;

pub const KEY_LEN: usize = 64;
/// CrateDB's default.
pub const DEFAULT_ITERATIONS: u32 = 40_000;
/// Records asking for more are refused before hashing, so a hostile record cannot stall a verifier.
pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;
const MAX_SALT_LEN: usize = 1024;
const PREFIX: &str = "$pbkdf2-sha512$i=";

#[derive(Clone, PartialEq, Eq)]
pub struct Pbkdf2Record {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub key: [u8; KEY_LEN],
}

impl std::fmt::Debug for Pbkdf2Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pbkdf2Record")
            .field("iterations", &self.iterations)
            .field("salt_len", &self.salt.len())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not a $pbkdf2-sha512$i=N$salt$key record")]
    Format,
    #[error("the iteration count is not a whole number from 1 to {0}")]
    Iterations(u32),
    #[error("the salt is not 1 to {MAX_SALT_LEN} bytes of standard base64")]
    Salt,
    #[error("the key is not {KEY_LEN} bytes of standard base64")]
    Key,
}

impl Pbkdf2Record {
    /// Derives a record for `password`. The caller supplies the salt (CrateDB: 32 random bytes).
    pub fn derive(password: &[u8], salt: &[u8], iterations: u32) -> Pbkdf2Record {
        Pbkdf2Record {
            iterations,
            salt: salt.to_vec(),
            key: derive_key(password, salt, iterations),
        }
    }

    pub fn parse(text: &str) -> Result<Pbkdf2Record, RecordError> {
        Self::parse_capped(text, DEFAULT_MAX_ITERATIONS)
    }

    pub fn parse_capped(text: &str, max_iterations: u32) -> Result<Pbkdf2Record, RecordError> {
        let rest = text.strip_prefix(PREFIX).ok_or(RecordError::Format)?;
        let mut parts = rest.split('$');
        let (Some(iterations), Some(salt), Some(key), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(RecordError::Format);
        };
        Self::from_parts(iterations, salt, key, max_iterations)
    }

    /// The JSON form, as CrateDB keeps it in its cluster state.
    pub fn from_json(
        value: &serde_json::Value,
        max_iterations: u32,
    ) -> Result<Pbkdf2Record, RecordError> {
        let iterations = value
            .get("iterations")
            .and_then(serde_json::Value::as_u64)
            .ok_or(RecordError::Iterations(max_iterations))?;
        let field = |k: &str| value.get(k).and_then(serde_json::Value::as_str);
        Self::from_parts(
            &iterations.to_string(),
            field("salt").ok_or(RecordError::Salt)?,
            field("hash").ok_or(RecordError::Key)?,
            max_iterations,
        )
    }

    fn from_parts(
        iterations: &str,
        salt: &str,
        key: &str,
        max_iterations: u32,
    ) -> Result<Pbkdf2Record, RecordError> {
        let digits = !iterations.is_empty()
            && iterations.len() <= 10
            && iterations.bytes().all(|b| b.is_ascii_digit());
        let iterations = digits
            .then(|| iterations.parse::<u32>().ok())
            .flatten()
            .filter(|n| (1..=max_iterations).contains(n))
            .ok_or(RecordError::Iterations(max_iterations))?;
        let salt = STANDARD
            .decode(salt)
            .ok()
            .filter(|s| (1..=MAX_SALT_LEN).contains(&s.len()))
            .ok_or(RecordError::Salt)?;
        let key: [u8; KEY_LEN] = STANDARD
            .decode(key)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or(RecordError::Key)?;
        Ok(Pbkdf2Record {
            iterations,
            salt,
            key,
        })
    }

    pub fn encode(&self) -> String {
        format!(
            "{PREFIX}{}${}${}",
            self.iterations,
            STANDARD.encode(&self.salt),
            STANDARD.encode(self.key)
        )
    }

    /// Recomputes the key for `password` and compares it in constant time.
    pub fn verify(&self, password: &[u8]) -> bool {
        ct_eq(
            &derive_key(password, &self.salt, self.iterations),
            &self.key,
        )
    }
}

/// PBKDF2-HMAC-SHA512 with RustCrypto's `pbkdf2`: chosen over aws-lc-rs by `benches/hashing.rs`
/// (see docs/development.md).
pub fn derive_key(password: &[u8], salt: &[u8], iterations: u32) -> [u8; KEY_LEN] {
    let mut key = [0u8; KEY_LEN];
    pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, iterations, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str = include_str!("vectors/pbkdf2-sha512.json");

    #[test]
    fn agrees_with_pythons_hashlib_on_the_vectors() {
        let vectors: Vec<serde_json::Value> = serde_json::from_str(VECTORS).unwrap();
        assert!(
            vectors.iter().any(|v| v["iterations"] == 40_000),
            "a 40,000-iteration vector is included"
        );
        for v in &vectors {
            let salt = STANDARD.decode(v["salt_b64"].as_str().unwrap()).unwrap();
            let expected = STANDARD.decode(v["hash_b64"].as_str().unwrap()).unwrap();
            let password = v["password_utf8"].as_str().unwrap().as_bytes();
            let iterations = v["iterations"].as_u64().unwrap() as u32;
            assert_eq!(
                derive_key(password, &salt, iterations).to_vec(),
                expected,
                "{v}"
            );
            let json = serde_json::json!({"iterations": iterations, "salt": v["salt_b64"], "hash": v["hash_b64"]});
            let record = Pbkdf2Record::from_json(&json, DEFAULT_MAX_ITERATIONS).unwrap();
            assert!(record.verify(password));
            assert!(!record.verify(b"wrong"));
            assert_eq!(Pbkdf2Record::parse(&record.encode()).unwrap(), record);
        }
    }

    #[test]
    fn refuses_bad_records() {
        let good = Pbkdf2Record::derive(b"pw", &[7; 32], 2).encode();
        assert!(Pbkdf2Record::parse(&good).is_ok());
        assert_eq!(
            Pbkdf2Record::parse("$pbkdf2-sha256$i=2$AA==$AA=="),
            Err(RecordError::Format)
        );
        assert_eq!(
            Pbkdf2Record::parse(&good.replace("i=2", "i=0")),
            Err(RecordError::Iterations(DEFAULT_MAX_ITERATIONS))
        );
        assert_eq!(
            Pbkdf2Record::parse(&good.replace("i=2", "i=+2")),
            Err(RecordError::Iterations(DEFAULT_MAX_ITERATIONS))
        );
        assert_eq!(
            Pbkdf2Record::parse_capped(&good.replace("i=2", "i=4000000000"), 1000),
            Err(RecordError::Iterations(1000))
        );
        assert_eq!(
            Pbkdf2Record::parse("$pbkdf2-sha512$i=2$$AA=="),
            Err(RecordError::Salt)
        );
        assert_eq!(
            Pbkdf2Record::parse("$pbkdf2-sha512$i=2$AA==$AA=="),
            Err(RecordError::Key)
        );
        assert_eq!(
            Pbkdf2Record::parse(&format!("{good}$x")),
            Err(RecordError::Format)
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let r = Pbkdf2Record::derive(b"pw", b"salt", 1);
        assert!(!format!("{r:?}").contains("key"));
    }

    proptest::proptest! {
        #[test]
        fn records_round_trip(salt in proptest::collection::vec(proptest::num::u8::ANY, 1..64), iterations in 1u32..5, key in proptest::array::uniform32(proptest::num::u8::ANY)) {
            let mut full = [0u8; KEY_LEN];
            full[..32].copy_from_slice(&key);
            let record = Pbkdf2Record { iterations, salt, key: full };
            proptest::prop_assert_eq!(Pbkdf2Record::parse(&record.encode()).unwrap(), record);
        }

        #[test]
        fn parsing_never_panics(text in ".{0,200}") {
            let _ = Pbkdf2Record::parse(&text);
        }
    }
}
