//! The process environment as templates read it, recording every value read as a secret.

use std::cell::RefCell;

use crate::scenario::template::{Lookup, Resolved};

/// The process environment, and the run's record of secrets met while rendering: every value read
/// from the environment and every secret a template filter derived. Everything recorded is masked
/// in every output of the run.
#[derive(Default)]
pub struct RecordingEnv {
    seen: RefCell<Vec<String>>,
}

impl RecordingEnv {
    /// Everything recorded so far.
    pub fn secrets(&self) -> Vec<String> {
        self.seen.borrow().clone()
    }
}

impl Lookup for RecordingEnv {
    fn value(&self, _: &[String]) -> Option<Resolved> {
        None
    }
    fn env(&self, name: &str) -> Option<String> {
        let value = std::env::var(name).ok()?;
        self.derived_secret(&value);
        Some(value)
    }
    fn derived_secret(&self, text: &str) {
        let mut seen = self.seen.borrow_mut();
        if !seen.iter().any(|s| s == text) {
            seen.push(text.to_owned());
        }
    }
}
