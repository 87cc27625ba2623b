//! The suites and the requirement catalogue compiled into the binary (see `build.rs`): what
//! `authconform run` uses when no paths are named, from any directory.

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// Loads the built-in suites; their paths are the repository's.
pub fn load_suites() -> Result<Vec<crate::scenario::LoadedSuite>, crate::scenario::Diagnostics> {
    crate::scenario::load::load_embedded(SUITES)
}
