//! How authconform makes an HTTP client, and how it words a failed request. A leaf: the runner,
//! the launcher's readiness probe and the leeway probe all start here.

use std::error::Error as _;

/// The one way authconform makes an HTTP client: the reference crate's builder (no proxy, no
/// redirect followed, the given CAs alone where the machine has no trust store), the lowest crate
/// with an HTTP stack, so both sides of a run build clients alike.
pub fn client_builder() -> reqwest::ClientBuilder {
    crate::reference::client_builder()
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
