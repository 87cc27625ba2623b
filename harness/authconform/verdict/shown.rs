//! How an unmet expectation is worded: a [`Mismatch`] and the excerpt of a body it shows.

use crate::report::model::Mismatch;

pub fn mismatch(
    what: impl Into<String>,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Mismatch {
    Mismatch {
        what: what.into(),
        expected: expected.into(),
        actual: actual.into(),
    }
}

/// The body as shown in reports: at most 200 characters.
pub fn excerpt(body: &str) -> String {
    const MAX: usize = 200;
    if body.chars().count() <= MAX {
        body.to_owned()
    } else {
        format!(
            "{}… ({} bytes)",
            body.chars().take(MAX).collect::<String>(),
            body.len()
        )
    }
}
