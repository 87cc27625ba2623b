//! Every secret of a run, and the only ways it is shown: the run's registry ([`Redactor`]) masks each
//! password, token, key and environment value in every encoding the run sends it; [`Secret`] holds
//! one where a plain `String` could be printed by a derived `Debug`; [`RecordingEnv`] registers what
//! templates read from the environment.

pub mod env;
pub mod redact;

pub use authconform_format::secret::Secret;
pub use env::RecordingEnv;
pub use redact::Redactor;

/// Percent-encodes everything but RFC 3986 unreserved characters (as a query value is sent).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
