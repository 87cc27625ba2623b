//! Sending planned requests: the HTTP client, preparing a run, the runner that drives a whole plan
//! against a target, signals. The answers are judged by [`crate::verdict`].

pub mod client;
mod fuzzing;
pub mod prepare;
mod progress;
pub mod runner;
mod sending;
pub mod signals;
