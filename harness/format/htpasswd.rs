//! How a launched server's htpasswd file is written, as target files say.

/// bcrypt cost of generated htpasswd lines: what `htpasswd -B` uses by default.
pub const BCRYPT_COST: u32 = 5;
/// The bcrypt costs a target file may ask for (`launch.bcrypt_cost`).
pub const BCRYPT_COSTS: std::ops::RangeInclusive<u32> = 4..=14;

/// A hash an htpasswd line may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HtpasswdHash {
    /// `$2y$` bcrypt at [`BCRYPT_COST`] (`htpasswd -B`): nginx (through the system's crypt) and Apache.
    Bcrypt,
    /// Apache's `$apr1$` MD5-crypt (`htpasswd -m`): Apache, and nginx.
    Apr1,
    /// Traditional DES crypt (`htpasswd -d`), made with the system's crypt(3): nginx and Apache
    /// still verify it, and it reads only the first 8 characters of a password.
    Des,
}

/// How a launched server's htpasswd file is written (`launch.htpasswd_hashes`, `launch.bcrypt_cost`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtpasswdRecipe {
    pub hashes: Vec<HtpasswdHash>,
    pub bcrypt_cost: u32,
}

impl Default for HtpasswdRecipe {
    fn default() -> HtpasswdRecipe {
        HtpasswdRecipe {
            hashes: vec![HtpasswdHash::Bcrypt],
            bcrypt_cost: BCRYPT_COST,
        }
    }
}
