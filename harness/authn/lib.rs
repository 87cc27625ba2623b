//! Parsers for credentials on the wire and verification of stored secrets: `Authorization`
//! (Basic, Bearer, the generic form), `X-Chroma-Token`, `WWW-Authenticate` challenges, htpasswd
//! files (bcrypt, `$apr1$`, `{SHA}`), CrateDB-style PBKDF2-HMAC-SHA512 records and compact JWS.
//!
//! Nothing here does I/O or needs an async runtime or a TLS stack (the one outside call is
//! [`crypt`], which loads the system's crypt(3) for DES lines): the reference server, the fuzz
//! targets and the benchmarks all use this crate directly. Strict RFC readings and the lenient ones
//! real servers show are named options, never accidents.

pub mod apr1;
pub mod authorization;
pub mod base64_lenient;
pub mod challenge;
pub mod constant_time;
pub mod crypt;
pub mod fuzz_targets;
pub mod htpasswd;
pub mod jws;
pub mod pbkdf2_record;

pub use authorization::{BasicCredentials, BasicOptions, BearerOptions, parse_basic, parse_bearer};
pub use constant_time::ct_eq;
pub use htpasswd::{Accept, HashScheme, Htpasswd, HtpasswdError};
