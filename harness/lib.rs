//! authconform: conformance tests for the HTTP authentication of database servers.
//!
//! Data flows one way: scenario files are loaded and validated ([`scenario`]), planned against a
//! target ([`plan`], [`target`]), executed ([`exec`]) and reported ([`report`]). The reference server
//! ([`reference`]) is the embedded target; [`authn`] holds the parsers both sides share.

pub use authconform_authn as authn;
pub mod builtin;
pub mod cli;
pub mod coverage;
pub mod dialect;
pub mod duration;
pub mod exec;
pub mod fixtures;
pub mod issuer;
pub mod jwt;
pub mod level;
pub mod live_fuzz;
pub mod load;
pub mod mutants;
pub mod plan;
pub mod probe;
pub mod reference;
pub mod report;
pub mod scenario;
pub mod target;
