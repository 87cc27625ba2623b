//! Which server a command outside a scenario run (`load`, `probe`) talks to.

use std::path::Path;

use super::CliError;
use authconform::launch::Target;
use authconform::reference::flaws::{Flaw, Flaws};

/// The target file at `path` (its problems are bad input), else the embedded reference server,
/// given `flaws` for showing that a check catches them.
pub fn target_or_embedded(path: Option<&Path>, flaws: &[Flaw]) -> Result<Target, CliError> {
    match path {
        Some(path) => Ok(Target::from_file(path)?),
        None if flaws.is_empty() => Ok(Target::embedded()),
        None => Ok(Target::embedded_with_flaws(Flaws::new(flaws))),
    }
}
