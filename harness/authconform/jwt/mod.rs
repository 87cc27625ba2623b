//! JSON Web Tokens for the run: the keys, and the forge that makes good and broken tokens.

pub mod forge;
pub mod keys;

pub use forge::{ForgeContext, Mutation, TokenSpec, forge};
pub use keys::{KeyId, KeyRing};
