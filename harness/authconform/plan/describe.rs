//! A planned request as reports show it: credential headers masked (the scheme word kept), other
//! secrets masked wherever they appear, bodies sized.

use super::HttpRequest;
use super::captures::show_captures;
use crate::secrets::Redactor;
use crate::secrets::redact::{CREDENTIAL_HEADERS, MASK, mask_credential};

impl HttpRequest {
    /// A request as shown in reports: credential headers masked (the scheme word kept), bodies sized.
    pub fn describe(&self, redactor: &Redactor) -> String {
        let request = self;
        let path = show_captures(&request.path);
        let mut out = format!("{} {}", request.method, redactor.redact(&path));
        for (name, value) in &request.headers {
            let value = String::from_utf8_lossy(value);
            let shown = if CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                mask_credential(&value)
            } else {
                redactor.redact(&value)
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

/// Never a header value, a query or a body: only what they are.
impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = match self.path.split_once('?') {
            Some((path, _)) => format!("{path}?{MASK}"),
            None => self.path.clone(),
        };
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {} bytes", value.len()))
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &path)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(Vec::len))
            .field("jwt", &self.jwt.as_ref().map(|j| j.spec.key.name()))
            .finish()
    }
}

/// A one-line case that sends `request` as it was sent (byte for byte) and asserts what a
/// refusal must: pasted under `cases:`, it replays a path-confusion finding. Only for requests
/// without credentials (path-confusion variants carry none).
pub(super) fn replay_case(
    case: &crate::scenario::model::Case,
    request: &HttpRequest,
    endpoint: Option<&str>,
) -> String {
    let quoted = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    let headers: Vec<String> = request
        .headers
        .iter()
        .map(|(n, v)| format!("{}: {}", quoted(n), quoted(&String::from_utf8_lossy(v))))
        .collect();
    let headers = if headers.is_empty() {
        String::new()
    } else {
        format!(", headers: {{ {} }}", headers.join(", "))
    };
    let name = match endpoint {
        Some(e) => format!("{}-{e}", case.name.value.replace(':', "-")),
        None => case.name.value.replace(':', "-"),
    };
    format!(
        "- {{ name: {name}-found, level: must, ref: {}, request: {{ method: {}, path: {}, raw: true{headers} }}, expect: {{ status: not 2xx }} }}",
        quoted(&case.reference_text()),
        request.method,
        quoted(&request.path),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_credential_query_or_body() {
        let request = HttpRequest {
            method: "POST".into(),
            path: "/x?access_token=tok-secret".into(),
            headers: vec![
                ("Authorization".into(), b"Basic YWRtaW46cHc=".to_vec()),
                ("api-key".into(), b"key-secret".to_vec()),
            ],
            body: Some(b"{\"password\":\"pw-secret\"}".to_vec()),
            jwt: None,
            raw: false,
        };
        let shown = format!("{request:?}");
        for secret in ["tok-secret", "YWRtaW46cHc", "key-secret", "pw-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("api-key: 10 bytes"), "{shown}");
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
            raw: false,
        };
        assert_eq!(
            request.describe(&r),
            "GET /x; Authorization: Basic ***; X-Chroma-Token: ***; Authorization: Basic; Accept: */*; body: 2 bytes"
        );
    }
}
