//! The verdict: what came back ([`outcome`]) judged against what was expected ([`assert`],
//! [`compare`], [`measured`] with the [`box_test`] statistics), and the report rows a run's
//! outcomes make ([`judge`]). Pure: no network, no clock, no async runtime — the runner sends and
//! hands the answers in, so every rule here is unit-tested on made-up answers.

pub mod assert;
pub mod box_test;
pub mod compare;
pub mod judge;
pub mod measured;
pub mod outcome;
pub mod shown;

pub use outcome::{Answer, Outcome};
