//! authconform: conformance tests for the HTTP authentication of database servers.
//!
//! Data flows one way: scenario files are read and checked by the format crate ([`scenario`],
//! re-exported here), planned against a server under test ([`plan`], [`launch`]), executed
//! ([`exec`]) and reported ([`report`]). The reference servers ([`reference`]) are a separate
//! crate that never imports this one; [`authn`] holds the parsers both sides share.
//! `ARCHITECTURE.md` draws the whole map.

pub use authconform_authn as authn;
pub use authconform_format::{dialect, duration, level, openapi, scenario, target_file};
pub use authconform_reference as reference;

pub mod builtin;
pub mod coverage;
pub mod exec;
pub mod http_client;
pub mod issuer;
pub mod jwt;
pub mod launch;
pub mod live_fuzz;
pub mod load;
pub mod mutants;
pub mod plan;
pub mod probe;
pub mod provision;
pub mod report;
pub mod secrets;
pub mod session;
pub mod sweep;
pub mod verdict;
