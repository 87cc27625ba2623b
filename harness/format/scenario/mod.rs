//! Scenario files: the format ([`model`]), reading ([`load`]), checking ([`validate`]), templates and
//! error rendering. Nothing here touches the network.

pub mod diagnostic;
pub mod expand;
pub mod input;
pub mod load;
pub mod model;
pub mod must_policy;
pub mod status_word;
pub mod template;
pub mod validate;
pub mod yaml;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use load::{LoadedSuite, load_all};
