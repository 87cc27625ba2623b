//! A request sent byte for byte over plain HTTP/1.1, for what an HTTP client would normalise
//! away (`/./`, `/x/../`, `%2e`, a `#`): path-confusion variants. One connection per request
//! (`Connection: close`), the answer read up to the body limit; the caller bounds the time.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::ExecError;
use super::client::MAX_BODY_BYTES;
use crate::plan::HttpRequest;
use crate::verdict::Answer;

const MAX_HEAD_BYTES: usize = 64 * 1024;

pub async fn send(base_url: &str, request: &HttpRequest) -> Result<Answer, ExecError> {
    let url = reqwest::Url::parse(base_url).map_err(|e| ExecError::Url(e.to_string()))?;
    if url.scheme() != "http" {
        return Err(ExecError::Request(
            "a request sent byte for byte (a path-confusion variant) goes over plain HTTP only; this target speaks TLS".into(),
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| ExecError::Url(format!("{base_url} names no host")))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let wire = request_bytes(request, &format!("{host}:{port}"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| ExecError::Request(format!("cannot connect: {e}")))?;
    stream
        .write_all(&wire)
        .await
        .map_err(|e| ExecError::Request(format!("cannot send: {e}")))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_only = request.method == "HEAD";
    loop {
        if let Some(answer) = parse(&buf, head_only, false)? {
            return Ok(answer);
        }
        if buf.len() > MAX_HEAD_BYTES + MAX_BODY_BYTES {
            break;
        }
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| ExecError::Request(format!("the answer broke off: {e}")))?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    parse(&buf, head_only, true)?
        .ok_or_else(|| ExecError::Request("the connection closed before a whole answer".into()))
}

/// The request on the wire: the method and path as planned, `Host`, the headers, a body with its
/// length, `Connection: close`.
fn request_bytes(request: &HttpRequest, host: &str) -> Result<Vec<u8>, ExecError> {
    let bad = |b: &u8| *b <= b' ' || *b == 0x7f;
    if request.path.bytes().any(|b| bad(&b)) || request.method.bytes().any(|b| bad(&b)) {
        return Err(ExecError::Request(
            "the method or path holds a space or control byte".into(),
        ));
    }
    let mut out = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\n",
        request.method, request.path
    )
    .into_bytes();
    for (name, value) in &request.headers {
        if name.bytes().any(|b| bad(&b) || b == b':')
            || value.iter().any(|b| *b == b'\r' || *b == b'\n')
        {
            return Err(ExecError::Request(format!(
                "header {name:?} cannot be sent as written"
            )));
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if let Some(body) = &request.body {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    if let Some(body) = &request.body {
        out.extend_from_slice(body);
    }
    Ok(out)
}

/// The answer in `buf` when it is whole (or, at the end of the stream, as much as came).
fn parse(buf: &[u8], head_only: bool, ended: bool) -> Result<Option<Answer>, ExecError> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD_BYTES => {
            return Err(ExecError::Request(
                "the answer's head is over 64 KiB".into(),
            ));
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(ExecError::Request(format!("not an HTTP answer: {e}"))),
    };
    let status = response.code.unwrap_or(0);
    let headers: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
    };
    let rest = &buf[head_len..];
    let no_body = head_only || status == 204 || status == 304 || (100..200).contains(&status);
    let body = if no_body {
        Some(Vec::new())
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        match dechunk(rest) {
            Some(body) => Some(body),
            None if ended => Some(rest.to_vec()),
            None => None,
        }
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        if rest.len() >= length || ended {
            Some(rest[..length.min(rest.len())].to_vec())
        } else {
            None
        }
    } else {
        ended.then(|| rest.to_vec())
    };
    Ok(body.map(|mut body| {
        body.truncate(MAX_BODY_BYTES);
        Answer::new(status, headers, body)
    }))
}

/// A chunked body (RFC 9112 §7.1) decoded, once its last chunk has come; `None` before.
pub fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
        if out.len() > MAX_BODY_BYTES {
            return Some(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunked(parts: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts.iter().filter(|p| !p.is_empty()) {
            out.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
            out.extend_from_slice(p);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    }

    proptest! {
        #[test]
        fn dechunk_inverts_chunking(parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..8)) {
            let whole: Vec<u8> = parts.concat();
            prop_assert_eq!(dechunk(&chunked(&parts)), Some(whole));
        }

        #[test]
        fn dechunk_of_a_cut_stream_waits(parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..40), 1..8), cut in 0usize..1000) {
            let wire = chunked(&parts);
            let cut = cut % wire.len();
            // Until the last chunk's size line (`0\r\n`) has come, nothing is returned.
            if cut + 2 < wire.len() {
                prop_assert!(dechunk(&wire[..cut]).is_none());
            }
        }
    }

    #[test]
    fn parses_length_chunked_and_head_answers() {
        let a = parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            false,
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!((a.status, a.body.as_slice()), (200, &b"hello"[..]));
        assert!(
            parse(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
                false,
                false
            )
            .unwrap()
            .is_none()
        );
        let c = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            false,
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.body, b"abc");
        let h = parse(
            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 10\r\n\r\n",
            true,
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!((h.status, h.body.len()), (401, 0));
        assert!(parse(b"garbage\r\n\r\n", false, false).is_err());
        let closed = parse(b"HTTP/1.0 200 OK\r\n\r\nuntil close", false, true)
            .unwrap()
            .unwrap();
        assert_eq!(closed.body, b"until close");
    }

    #[test]
    fn writes_the_path_as_given_and_refuses_line_breaks() {
        let mut r = HttpRequest {
            method: "GET".into(),
            path: "/./a/%2e/b#".into(),
            headers: vec![("X-Original-URL".into(), b"/whoami".to_vec())],
            body: None,
            jwt: None,
            raw: true,
        };
        let wire = String::from_utf8(request_bytes(&r, "127.0.0.1:1").unwrap()).unwrap();
        assert!(wire.starts_with(
            "GET /./a/%2e/b# HTTP/1.1\r\nHost: 127.0.0.1:1\r\nX-Original-URL: /whoami\r\n"
        ));
        assert!(wire.ends_with("Connection: close\r\n\r\n"));
        r.headers[0].1 = b"/a\r\nX: y".to_vec();
        assert!(request_bytes(&r, "h").is_err());
        r.headers.clear();
        r.path = "/a b".into();
        assert!(request_bytes(&r, "h").is_err());
    }
}
