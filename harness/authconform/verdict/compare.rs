//! Comparing one answer with another's: `same_as` (status and body) and `indistinguishable_from`
//! (status, headers but `Date` and the ignored ones, body).

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
