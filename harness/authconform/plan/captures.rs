//! `{{ captured.NAME }}`: a marker at plan time, the value a case captured at send time.

use super::CaptureError;
use std::collections::BTreeMap;

use super::HttpRequest;

/// Stands in for `{{ captured.NAME }}` until the runner knows the value.
pub(super) const CAPTURE_MARK: char = '\u{1}';

pub(super) fn capture_marker(name: &str) -> String {
    format!("{CAPTURE_MARK}captured:{name}{CAPTURE_MARK}")
}

/// Replaces every capture marker in `text` with its value; the first missing name is an error.
pub fn fill_captures(
    text: &str,
    captured: &BTreeMap<String, String>,
) -> Result<String, CaptureError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(CAPTURE_MARK) {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find(CAPTURE_MARK).ok_or(CaptureError::Unclosed)?;
        let name = after[..end].trim_start_matches("captured:");
        let value = captured
            .get(name)
            .ok_or_else(|| CaptureError::NotCaptured(name.to_owned()))?;
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `text` with capture markers shown as the template they came from.
pub fn show_captures(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split(CAPTURE_MARK).enumerate() {
        match part.strip_prefix("captured:") {
            Some(name) if i % 2 == 1 => out.push_str(&format!("{{{{ captured.{name} }}}}")),
            _ => out.push_str(part),
        }
    }
    out
}

impl HttpRequest {
    /// The request with `{{ captured.… }}` values filled in (path, headers, body).
    pub fn with_captures(
        &self,
        captured: &BTreeMap<String, String>,
    ) -> Result<HttpRequest, CaptureError> {
        let mut out = self.clone();
        out.path = fill_captures(&self.path, captured)?;
        for (_, value) in &mut out.headers {
            if value.contains(&(CAPTURE_MARK as u8)) {
                *value = fill_captures(&String::from_utf8_lossy(value), captured)?.into_bytes();
            }
        }
        if let Some(body) = &mut out.body
            && body.contains(&(CAPTURE_MARK as u8))
        {
            *body = fill_captures(&String::from_utf8_lossy(body), captured)?.into_bytes();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_fill_in_and_missing_ones_are_named() {
        let captured = BTreeMap::from([("token".to_owned(), "abc".to_owned())]);
        let text = format!("Bearer {}", capture_marker("token"));
        assert_eq!(fill_captures(&text, &captured).unwrap(), "Bearer abc");
        assert_eq!(fill_captures("plain", &captured).unwrap(), "plain");
        let missing = fill_captures(&capture_marker("href"), &captured).unwrap_err();
        assert_eq!(missing, CaptureError::NotCaptured("href".into()));
        assert!(fill_captures("\u{1}captured:token", &captured).is_err());
        assert_eq!(show_captures(&text), "Bearer {{ captured.token }}");
    }
}
