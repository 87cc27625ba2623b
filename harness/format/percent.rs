//! Percent-encoding as requests carry values in a path segment or a query (RFC 3986 §2.1).

/// Percent-encodes everything but RFC 3986 unreserved characters (as a query value is sent).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_unreserved_and_encodes_the_rest() {
        assert_eq!(super::percent_encode("a-Z_9.~"), "a-Z_9.~");
        assert_eq!(super::percent_encode("t 1/é"), "t%201%2F%C3%A9");
    }
}
