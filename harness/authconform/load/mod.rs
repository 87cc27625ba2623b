//! `authconform load`: many connections, valid and invalid credentials, for a bounded time.

pub mod driver;
pub mod mix;
pub mod summary;
