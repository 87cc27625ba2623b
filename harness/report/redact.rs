//! Secrets are registered once and masked wherever output is produced.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::plan::HttpRequest;

/// Headers whose values are credentials and are never shown.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-chroma-token",
    "x-api-key",
    "cookie",
];

pub const MASK: &str = "***";

#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Registers a secret, and its base64 form. Values shorter than 4 characters are not
    /// registered: masking them would garble ordinary text, and they are not worth hiding.
    pub fn add(&mut self, secret: &str) {
        if secret.chars().count() >= 4 {
            self.push(secret.to_owned());
            self.push(STANDARD.encode(secret));
        }
    }

    /// Registers the Basic encoding of a user and password.
    pub fn add_login(&mut self, user: &str, password: &str) {
        self.add(password);
        if !password.is_empty() {
            self.push(STANDARD.encode(format!("{user}:{password}")));
        }
    }

    fn push(&mut self, s: String) {
        if !self.secrets.contains(&s) {
            self.secrets.push(s);
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Whether `text` holds a registered secret of 8 or more characters (shorter ones could be
    /// ordinary words): the leak canary.
    pub fn echoed_in(&self, text: &str) -> bool {
        self.secrets
            .iter()
            .any(|s| s.chars().count() >= 8 && text.contains(s.as_str()))
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// A request as shown in reports: credential headers masked (the scheme word kept), bodies sized.
    pub fn describe_request(&self, request: &HttpRequest) -> String {
        let path = crate::plan::show_captures(&request.path);
        let mut out = format!("{} {}", request.method, self.redact(&path));
        for (name, value) in &request.headers {
            let value = String::from_utf8_lossy(value);
            let shown = if CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                mask_credential(&value)
            } else {
                self.redact(&value)
            };
            out.push_str(&format!("; {name}: {shown}"));
        }
        if let Some(jwt) = &request.jwt {
            let place = match &jwt.scheme {
                Some(scheme) => format!("Authorization: {scheme} {MASK}"),
                None => format!("?access_token={MASK}"),
            };
            let made = match jwt.spec.mutate {
                Some(m) => format!("key {}, mutation {}", jwt.spec.key.name(), m.name()),
                None => format!("key {}", jwt.spec.key.name()),
            };
            out.push_str(&format!("; {place} (jwt: {made})"));
        }
        if let Some(body) = &request.body {
            out.push_str(&format!("; body: {} bytes", body.len()));
        }
        out
    }
}

/// `Basic abc==` → `Basic ***`; a value with no scheme word → `***`; an empty value stays empty.
fn mask_credential(value: &str) -> String {
    if value.is_empty() {
        return "(empty)".into();
    }
    match value.split_once(' ') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.len() <= 10
                && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            format!("{scheme} {MASK}")
        }
        _ if value.chars().all(|c| c.is_ascii_alphabetic()) && value.len() <= 10 => {
            value.to_owned()
        }
        _ => MASK.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_and_their_encodings() {
        let mut r = Redactor::default();
        r.add_login("admin", "hunter22");
        r.add("tok");
        let b64 = STANDARD.encode("admin:hunter22");
        assert_eq!(
            r.redact(&format!("pw hunter22, header {b64}, tok")),
            "pw ***, header ***, tok"
        );
    }

    #[test]
    fn requests_show_scheme_only() {
        let r = Redactor::default();
        let request = HttpRequest {
            method: "GET".into(),
            path: "/x".into(),
            headers: vec![
                ("Authorization".into(), b"Basic YWRtaW46cHc=".to_vec()),
                ("X-Chroma-Token".into(), b"actk-abc".to_vec()),
                ("Authorization".into(), b"Basic".to_vec()),
                ("Accept".into(), b"*/*".to_vec()),
            ],
            body: Some(b"{}".to_vec()),
            jwt: None,
        };
        assert_eq!(
            r.describe_request(&request),
            "GET /x; Authorization: Basic ***; X-Chroma-Token: ***; Authorization: Basic; Accept: */*; body: 2 bytes"
        );
    }
}
