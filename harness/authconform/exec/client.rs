//! The HTTP client side: one request, its answer read with a size cap, errors named by cause.

pub use crate::http_client::{client_builder, describe_error};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::ExecError;
use crate::plan::{ClientTls, ClientVerify, HttpRequest};
use crate::provision::pki::TlsLab;
use crate::scenario::model::{CertIssuer, TlsError};
use crate::verdict::Answer;

/// Answers larger than this are cut; the assertions see the first bytes only.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub async fn send(
    client: &reqwest::Client,
    base_url: &str,
    request: &HttpRequest,
) -> Result<Answer, ExecError> {
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| ExecError::Request(format!("{:?} is not an HTTP method", request.method)))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &request.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ExecError::Request(format!("{name:?} is not a valid header name")))?;
        let value = HeaderValue::from_bytes(value).map_err(|_| {
            ExecError::Request(format!(
                "the value of header {name} cannot be sent (control characters?)"
            ))
        })?;
        headers.append(name, value);
    }
    let url = absolute_url(base_url, &request.path)?;
    let mut builder = client.request(method, url).headers(headers);
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let mut response = builder
        .send()
        .await
        .map_err(|e| ExecError::Request(describe_error(&e)))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ExecError::Request(describe_error(&e)))?
    {
        let room = MAX_BODY_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_BODY_BYTES {
            break;
        }
    }
    Ok(Answer::new(status, headers, body))
}

/// `base_url` + path, or the path itself when it is an absolute URL (a URL an earlier answer gave,
/// such as an issuer's discovery document): loopback hosts only.
fn absolute_url(base_url: &str, path: &str) -> Result<String, ExecError> {
    if !(path.starts_with("http://") || path.starts_with("https://")) {
        return Ok(format!("{base_url}{path}"));
    }
    let url = reqwest::Url::parse(path)
        .map_err(|e| ExecError::Url(format!("{path:?} is not a URL: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(url.to_string())
    } else {
        Err(ExecError::Url(format!(
            "{path:?} is not on loopback: authconform only sends to 127.0.0.1, ::1 and localhost"
        )))
    }
}

/// A client for one TLS set-up: the verification mode and an optional client certificate.
pub fn build_tls_client(
    timeout: Duration,
    tls: &ClientTls,
    lab: Option<&TlsLab>,
) -> Result<reqwest::Client, ExecError> {
    // Every case on a fresh connection: a server may close an idle keep-alive connection at any
    // moment, and a case must never be judged on that race or on an earlier case's socket.
    build_client(
        client_builder().pool_max_idle_per_host(0),
        timeout,
        tls,
        lab,
    )
}

/// The same, keeping its connections alive between requests: timing samples are drawn on both
/// kinds, so that connection set-up neither hides nor fakes a difference.
pub fn build_kept_alive_client(
    timeout: Duration,
    tls: &ClientTls,
    lab: Option<&TlsLab>,
) -> Result<reqwest::Client, ExecError> {
    build_client(client_builder(), timeout, tls, lab)
}

fn build_client(
    builder: reqwest::ClientBuilder,
    timeout: Duration,
    tls: &ClientTls,
    lab: Option<&TlsLab>,
) -> Result<reqwest::Client, ExecError> {
    let mut builder = builder
        .timeout(timeout + Duration::from_secs(1)) // the runner's own timeout, which names the cause, fires first
        .connect_timeout(timeout);
    builder = match &tls.verify {
        ClientVerify::System => builder,
        ClientVerify::Insecure => builder.tls_danger_accept_invalid_certs(true),
        ClientVerify::CaFile(path) => {
            let pem =
                crate::scenario::load::read_input(path, crate::scenario::load::MAX_FILE_BYTES)
                    .map_err(|e| {
                        ExecError::Client(format!("cannot read CA file {}: {e}", path.display()))
                    })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ExecError::Client(format!("CA file {} is not PEM: {e}", path.display()))
            })?;
            builder.tls_certs_only(certs)
        }
    };
    if let Some((cn, from)) = &tls.client_cert {
        let lab = lab.ok_or(ExecError::Client(
            "a client certificate needs the run's TLS lab".to_owned(),
        ))?;
        let cert = lab.pki.client(cn, *from == CertIssuer::OtherCa)?;
        let identity = reqwest::Identity::from_pem(format!("{}{}", cert.cert, cert.key).as_bytes())
            .map_err(|e| ExecError::Client(format!("client certificate: {e}")))?;
        builder = builder.identity(identity);
    }
    builder
        .build()
        .map_err(|e| ExecError::Client(format!("cannot build the HTTP client: {e}")))
}

/// Names a TLS failure from the error text, knowing what each side spoke. `None`: not a TLS failure.
/// A refused client certificate shows differently by protocol version (TLS 1.2: an alert during
/// the handshake; TLS 1.3: the connection closes or is found not ready after it), so every form of
/// an early close on a TLS connection counts as `handshake_refused`.
pub fn classify_tls(message: &str, client_tls: bool, server_tls: bool) -> Option<TlsError> {
    if client_tls && !server_tls {
        return Some(TlsError::TlsToPlaintext);
    }
    if !client_tls && server_tls {
        return Some(TlsError::PlaintextToTls);
    }
    if !client_tls {
        return None;
    }
    let has = |needle: &str| message.contains(needle);
    if has("UnknownIssuer") || has("unknown issuer") {
        Some(TlsError::UnknownIssuer)
    } else if has("NotValidForName") || has("not valid for name") {
        Some(TlsError::NameMismatch)
    } else if has("Expired") || has("expired") {
        Some(TlsError::Expired)
    } else if [
        "alert",
        "close",
        "closed",
        "reset",
        "broken pipe",
        "Certificate",
        "handshake",
        "eof",
        "EOF",
        "not ready",
        "anceled",
    ]
    .iter()
    .any(|n| has(n))
    {
        Some(TlsError::HandshakeRefused)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn tls_causes_from_error_text() {
        let c = |m: &str| classify_tls(m, true, true);
        assert_eq!(
            c("invalid peer certificate: UnknownIssuer"),
            Some(TlsError::UnknownIssuer)
        );
        assert_eq!(
            c("invalid peer certificate: NotValidForNameContext { .. }"),
            Some(TlsError::NameMismatch)
        );
        assert_eq!(
            c("invalid peer certificate: certificate expired: verification time"),
            Some(TlsError::Expired)
        );
        assert_eq!(
            c("received fatal alert: CertificateRequired"),
            Some(TlsError::HandshakeRefused)
        );
        assert_eq!(
            c("client error (Canceled): operation was canceled: connection was not ready"),
            Some(TlsError::HandshakeRefused)
        );
        assert_eq!(c("dns error"), None);
        assert_eq!(
            classify_tls("anything", true, false),
            Some(TlsError::TlsToPlaintext)
        );
        assert_eq!(
            classify_tls("anything", false, true),
            Some(TlsError::PlaintextToTls)
        );
        assert_eq!(classify_tls("connection refused", false, false), None);
    }
}
