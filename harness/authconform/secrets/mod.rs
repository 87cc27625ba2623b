//! Every secret of a run, and the only ways it is shown: the run's registry ([`Redactor`]) masks each
//! password, token, key and environment value in every encoding the run sends it; [`Secret`] holds
//! one where a plain `String` could be printed by a derived `Debug`; [`RecordingEnv`] registers what
//! templates read from the environment.

pub mod env;
pub mod redact;

pub use authconform_format::secret::Secret;
pub use env::RecordingEnv;
pub use redact::Redactor;

pub use authconform_format::percent::percent_encode;
