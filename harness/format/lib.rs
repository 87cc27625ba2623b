//! The authconform file formats: scenario files ([`scenario`]), target files ([`target_file`]),
//! dialect profiles ([`dialect`]), read safely ([`input`]) and parsed with positions ([`yaml`]) into
//! positioned errors ([`diagnostic`]); the levels and durations they use, and the vocabulary they share
//! with the harness and the reference servers (certificates, issuer changes, token mutations,
//! fuzz inputs, htpasswd recipes).
//!
//! Reading a file is the only I/O here: no network, no async runtime, no TLS stack. Whatever
//! loads, checks or fuzzes a file depends on this crate alone.

pub mod confusion;
pub mod diagnostic;
pub mod dialect;
pub mod duration;
pub mod fuzz;
pub mod htpasswd;
pub mod input;
pub mod issuer;
pub mod jwt;
pub mod level;
pub mod openapi;
pub mod percent;
pub mod scenario;
pub mod secret;
pub mod target_file;
pub mod tls;
pub mod yaml;
