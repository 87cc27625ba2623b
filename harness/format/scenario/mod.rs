//! Scenario files: the format ([`model`]), reading ([`load`]), checking ([`validate`]), templates and
//! error rendering. Nothing here touches the network.

pub mod expand;
pub mod load;
pub mod model;
pub mod must_policy;
pub mod select;
pub mod status_word;
pub mod template;
pub mod validate;

pub use crate::diagnostic::{Diagnostic, Diagnostics};
/// Shared with target and profile files; re-exported where scenario code has always found them.
pub use crate::{diagnostic, input, yaml};
pub use load::{LoadedSuite, load_all};
