//! Property fuzzing of a live target: generated credentials sent to a protected endpoint, where
//! none may open it (2xx), break it (5xx) or hang it. The inputs and the report of a failure are
//! here, pure; the sending loop is `exec::live_fuzz`.

pub mod strategies;

pub use authconform_format::fuzz::{DEFAULT_CASES, FuzzInput, MAX_CASES, MAX_SHRINK_REQUESTS};

/// What a fuzz case found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzResult {
    pub input: FuzzInput,
    pub seed: u64,
    /// Generated values sent up to and including the first failing one (shrinking not counted).
    pub runs: u32,
    /// The time budget ran out before every planned value was sent.
    pub truncated: bool,
    pub failure: Option<FuzzFailure>,
}

/// The smallest failing value shrinking found, and what the target did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzFailure {
    pub value: String,
    pub what: String,
    /// Requests shrinking sent to get from the first failing value to this one.
    pub shrink_steps: u32,
    /// The value was let in (2xx), rather than breaking the server or going unanswered.
    pub opened: bool,
}

impl FuzzResult {
    pub fn summary(&self) -> String {
        let shrunk = self
            .failure
            .as_ref()
            .map(|f| format!(", shrunk in {} requests", f.shrink_steps))
            .unwrap_or_default();
        format!(
            "{} generated {} values (seed {}){shrunk}{}",
            self.runs,
            self.input.name(),
            self.seed,
            if self.truncated {
                ", stopped by its time budget"
            } else {
                ""
            }
        )
    }
}

/// A one-line scenario case that replays `failure`, ready to paste under `cases:`.
pub fn paste_case(
    input: FuzzInput,
    endpoint: &str,
    reference: &str,
    failure: &FuzzFailure,
) -> String {
    let (name, value) = input.header(&failure.value);
    let quoted = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    let auth = if name == "Authorization" {
        format!("{{ authorization: {} }}", quoted(&value))
    } else {
        format!(
            "{{ header: {{ name: {name}, value: {} }} }}",
            quoted(&value)
        )
    };
    // A value that opened the endpoint is a security failure (`must`); one that broke the server
    // or went unanswered is robustness (`should`): docs/scenario-format.md § Levels.
    let (level, status) = if failure.opened {
        ("must", "not 2xx")
    } else {
        ("should", "4xx")
    };
    format!(
        "- {{ name: fuzz-found-{}, level: {level}, ref: {}, request: {{ endpoint: {endpoint}, auth: {auth} }}, expect: {{ status: {status} }} }}",
        input.name(),
        quoted(reference)
    )
}

/// 32 seed bytes for proptest's ChaCha generator from a printable `u64`.
pub fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(
            &(seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).to_le_bytes(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_pastes_as_a_case_that_parses_and_replays_the_value() {
        let failure = FuzzFailure {
            value: "Basic \"x\\y".into(),
            what: "answered 500".into(),
            shrink_steps: 3,
            opened: false,
        };
        let line = paste_case(
            FuzzInput::Authorization,
            "identity",
            "RFC 9110 §15.5",
            &failure,
        );
        let yaml = format!("suite: s\ndialect: chroma\nmodes: [basic]\ncases:\n  {line}\n");
        let suite = crate::scenario::load::parse_suite(std::path::Path::new("s.yaml"), &yaml)
            .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let case = &suite.cases[0];
        assert_eq!(case.name.value, "fuzz-found-authorization");
        assert_eq!(
            case.level.value,
            crate::level::Level::Should,
            "a 500 is robustness"
        );
        match &case.request.auth {
            Some(crate::scenario::model::Auth::Authorization(v)) => {
                assert_eq!(v.value, "Basic \"x\\y");
            }
            other => panic!("{other:?}"),
        }
        let token = paste_case(
            FuzzInput::XChromaToken,
            "identity",
            "r",
            &FuzzFailure {
                value: "t0k".into(),
                what: String::new(),
                shrink_steps: 0,
                opened: true,
            },
        );
        assert!(
            token.contains("level: must") && token.contains("status: not 2xx"),
            "{token}"
        );
        assert!(
            token.contains("header: { name: X-Chroma-Token, value: \"t0k\" }"),
            "{token}"
        );
    }

    #[test]
    fn seeds_spread_over_all_32_bytes() {
        let a = seed_bytes(1);
        assert_ne!(a, seed_bytes(2));
        assert_ne!(a[..8], a[8..16]);
    }
}
