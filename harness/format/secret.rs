//! [`Secret`]: a password, token, key or client secret held where a derived `Debug` could print it.

use serde::Deserialize;

/// A value that must never be printed. `Debug` shows `Secret(***)` and there is no `Display`:
/// [`Secret::expose`] is the one way to the text, so every place that sends or writes a secret says
/// so. Reports mask secrets through the run's registry, which is told of each one when it is made.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret itself, to send or to write into a credential file.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Secret {
        Secret(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Secret {
        Secret(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value_and_expose_does() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(
            format!("{:?}", Some(vec![s.clone()])),
            "Some([Secret(***)])"
        );
        assert_eq!(s.expose(), "hunter2");
        let parsed: Secret = serde_saphyr::from_str("\"pw: with colon\"").unwrap();
        assert_eq!(parsed.expose(), "pw: with colon");
    }
}
