//! Comparing one answer with another's: `same_as` (status and body), `indistinguishable_from`
//! (status, headers but `Date` and the ignored ones, body) and `not_content_of` (no 2xx with the
//! other's content).

use super::outcome::Answer;
use super::shown::{excerpt, mismatch};
use crate::report::model::Mismatch;

/// `same_as`: the status and the body of `answer` are those of `other`.
pub fn same_as(other: &Answer, answer: &Answer) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if other.status != answer.status {
        out.push(mismatch(
            "same_as status",
            other.status.to_string(),
            answer.status.to_string(),
        ));
    }
    if other.body != answer.body {
        out.push(mismatch(
            "same_as body",
            excerpt(&other.body_text()),
            excerpt(&answer.body_text()),
        ));
    }
    out
}

/// `not_content_of`: `answer`, sent without credentials, is a refusal (not 2xx) or a 2xx with
/// other content than `authenticated` got. When the authenticated request was not answered 2xx
/// there is no content to compare, and any 2xx fails. `replay` is the case that re-sends it.
pub fn not_content_of(authenticated: &Answer, answer: &Answer, replay: &str) -> Vec<Mismatch> {
    if !(200..300).contains(&answer.status) {
        return Vec::new();
    }
    let opened = if (200..300).contains(&authenticated.status) {
        (answer.body == authenticated.body).then(|| {
            format!(
                "{} with the protected content ({} bytes, as with valid credentials)",
                answer.status,
                answer.body.len()
            )
        })
    } else {
        Some(format!(
            "{} (the request with valid credentials got {}: nothing to tell the content by)",
            answer.status, authenticated.status
        ))
    };
    opened
        .map(|what| {
            mismatch(
                "content",
                "a refusal, or not the protected content",
                format!("{what}; replay it with:\n{replay}"),
            )
        })
        .into_iter()
        .collect()
}

/// How `answer` differs from `other` in status, headers (but `Date` and `ignored`) and body.
pub fn differences(other: &Answer, answer: &Answer, ignored: &[String]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if other.status != answer.status {
        out.push(mismatch(
            "indistinguishable status",
            other.status.to_string(),
            answer.status.to_string(),
        ));
    }
    let compared = |a: &Answer| {
        let mut headers: Vec<(String, String)> = a
            .headers
            .iter()
            .filter(|(k, _)| k != "date" && !ignored.contains(k))
            .cloned()
            .collect();
        headers.sort();
        headers
    };
    let (theirs, ours) = (compared(other), compared(answer));
    if theirs != ours {
        let only = |a: &[(String, String)], b: &[(String, String)]| {
            let list: Vec<String> = a
                .iter()
                .filter(|h| !b.contains(h))
                .map(|(k, v)| format!("{k}: {}", excerpt(v)))
                .collect();
            if list.is_empty() {
                "nothing else".to_owned()
            } else {
                list.join("; ")
            }
        };
        out.push(mismatch(
            "indistinguishable headers",
            only(&theirs, &ours),
            only(&ours, &theirs),
        ));
    }
    if other.body != answer.body {
        out.push(mismatch(
            "indistinguishable body",
            excerpt(&other.body_text()),
            excerpt(&answer.body_text()),
        ));
    }
    out
}
