//! JSON Web Tokens for the run: the keys, and the forge that makes good and broken tokens.

pub mod forge;
pub mod keys;

pub use forge::{ForgeContext, Mutation, TokenSpec, forge};
pub use keys::{KeyId, KeyRing};

/// Why keys could not be made or read, or a token could not be forged.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    /// aws-lc-rs or jsonwebtoken could not make, export or take a key.
    #[error("{0}")]
    Key(String),
    /// A keys file (`--keys`) is not one authconform wrote.
    #[error("{0}")]
    KeyFile(String),
    /// A token the spec describes cannot be made (signing failed, the mutation needs another key).
    #[error("{0}")]
    Forge(String),
}
