//! Values and files made at run time for the suites: users, passwords, tokens, credential files.

pub mod credentials;
pub mod files;
pub mod pki;
pub mod settings;

pub use credentials::{Credentials, JwtFixture, Token, User};
