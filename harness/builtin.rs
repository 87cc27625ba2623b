//! The suites and the requirement catalogue compiled into the binary (see `build.rs`): what
//! `authconform run` uses when no paths are named, from any directory.

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
