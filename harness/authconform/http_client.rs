//! How authconform makes an HTTP client, and how it words a failed request. A leaf: the runner,
//! the launcher's readiness probe and the leeway probe all start here.

use std::error::Error as _;

/// The one way authconform makes an HTTP client: no proxy, and no redirect ever followed (a 3xx is
/// an answer to judge, and following one could carry a request, or its credentials, to another
/// host). On a machine with no system trust store (a scratch container) the platform verifier
/// cannot start, so only the CAs the scenarios and targets add are trusted there. `clippy.toml`
/// forbids `reqwest::Client::builder` everywhere else.
#[allow(clippy::disallowed_methods)]
pub fn client_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none());
    if system_roots() {
        builder
    } else {
        builder.tls_certs_only([])
    }
}

/// Whether the platform verifier finds a trust store (it refuses to start without one). Asked once.
#[allow(clippy::disallowed_methods)]
fn system_roots() -> bool {
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FOUND.get_or_init(|| reqwest::Client::builder().build().is_ok())
}

/// A one-line cause for a failed request, from the whole `source()` chain.
pub fn describe_error(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "request failed"
    };
    let mut causes = Vec::new();
    let mut source = error.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !causes.contains(&text) {
            causes.push(text);
        }
        source = s.source();
    }
    if causes.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {}", causes.join(": "))
    }
}
