//! Values and files made at run time for the suites: users, passwords, tokens, credential files.

pub mod credentials;
pub mod files;
pub mod pki;
pub mod settings;

pub use credentials::{Credentials, JwtFixture, Token, User};

/// Why the values and files a run gives its servers could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// Two suites (or a suite and the target) give one fixture different values.
    #[error("{0}")]
    Conflict(String),
    /// A fixture value cannot stand in the file format the server reads, or the mode has no
    /// such file.
    #[error("{0}")]
    Unwritable(String),
    /// The mode needs something the run does not have (the mock issuer).
    #[error("{0}")]
    Missing(String),
    /// A hash, a key, a certificate or random bytes could not be made.
    #[error("{0}")]
    Crypto(String),
    /// A file of the TLS lab could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}
