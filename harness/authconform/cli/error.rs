//! The command line's one error type. Every command returns `Result<i32, CliError>` (the `Ok`
//! status is its verdict); [`super::dispatch`] prints an error once, to stderr, and exits with
//! [`CliError::exit_code`].

use authconform::launch::LaunchError;
use authconform::load::run::LoadError;
use authconform::report::model::{EXIT_BAD_INPUT, EXIT_GATE_FAILED, EXIT_NOTHING_JUDGED};
use authconform::scenario::diagnostic::{Diagnostic, Diagnostics};
use authconform::session::SessionError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Problems in input files, each with its file, line and column: exit 2.
    #[error("{0}")]
    Files(Diagnostics),
    /// `validate`'s verdict: every problem found, then how many: exit 2.
    #[error("{all}{} problem(s) found\n", all.0.len())]
    Invalid { all: Diagnostics },
    /// A flag or a file that cannot be used, without a position: exit 2.
    #[error("error: {0}\n")]
    BadInput(String),
    /// Something the command needs could not be had (the async runtime, the mock issuer, keys,
    /// the server under test never ready): nothing was judged, exit 3.
    #[error("error: {0}\n")]
    NotJudged(String),
    /// The command could not do its job once started (`serve` cannot listen or stopped with an
    /// error): exit 1, as a failed check.
    #[error("error: {0}\n")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Files(_) | CliError::Invalid { .. } | CliError::BadInput(_) => EXIT_BAD_INPUT,
            CliError::NotJudged(_) => EXIT_NOTHING_JUDGED,
            CliError::Failed(_) => EXIT_GATE_FAILED,
        }
    }

    pub fn bad_input(e: impl std::fmt::Display) -> CliError {
        CliError::BadInput(e.to_string())
    }

    pub fn not_judged(e: impl std::fmt::Display) -> CliError {
        CliError::NotJudged(e.to_string())
    }
}

impl From<Diagnostics> for CliError {
    fn from(d: Diagnostics) -> CliError {
        CliError::Files(d)
    }
}

impl From<Diagnostic> for CliError {
    fn from(d: Diagnostic) -> CliError {
        CliError::Files(Diagnostics(vec![d]))
    }
}

/// A server that could not be started or given its credentials: bad input when the target file
/// asks for what cannot be done, nothing judged when the machine or the server failed.
impl From<LaunchError> for CliError {
    fn from(e: LaunchError) -> CliError {
        match e {
            LaunchError::Template(_)
            | LaunchError::TemplateSyntax(_)
            | LaunchError::Unsupported(_)
            | LaunchError::Provision(_)
            | LaunchError::Reference(_) => CliError::bad_input(e),
            LaunchError::Io { .. }
            | LaunchError::Spawn(_)
            | LaunchError::NeverReady(_)
            | LaunchError::Interrupted => CliError::not_judged(e),
        }
    }
}

impl From<SessionError> for CliError {
    fn from(e: SessionError) -> CliError {
        match e {
            SessionError::Launch(e) => e.into(),
            SessionError::Provision(e) => CliError::bad_input(e),
            SessionError::Issuer(e) => CliError::not_judged(e),
        }
    }
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> CliError {
        match e {
            LoadError::Session(e) => e.into(),
            LoadError::Jwt(e) => CliError::not_judged(e),
            LoadError::Credentials(_) | LoadError::Url(_) => CliError::bad_input(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_exit_status_and_prints_one_line() {
        assert_eq!(CliError::bad_input("x").exit_code(), 2);
        assert_eq!(CliError::not_judged("x").exit_code(), 3);
        assert_eq!(CliError::Failed("x".into()).exit_code(), 1);
        assert_eq!(
            CliError::bad_input("no such file").to_string(),
            "error: no such file\n"
        );
        let never = LaunchError::NeverReady("the target was not ready within 1s".into());
        assert_eq!(CliError::from(never).exit_code(), 3);
        let missing = LaunchError::Unsupported("no credentials for user bob".into());
        assert_eq!(CliError::from(missing).exit_code(), 2);
    }
}
