//! Sending planned requests and judging the answers: the HTTP client, the pure assertion checks,
//! and the runner that drives a whole plan against a target.

pub mod assert;
pub mod box_test;
pub mod client;
mod fuzzing;
mod judge;
pub mod prepare;
mod progress;
pub mod runner;
mod sending;
pub mod signals;
