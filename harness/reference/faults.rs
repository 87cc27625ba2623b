//! A server that misbehaves on purpose, one way per path, so tests and users can see a client
//! survive it: `/ready` answers, `/hang` never does, `/close-mid-body`, `/garbage`,
//! `/redirect-loop`, `/ten-megabytes`; any other path is reset.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use super::Running;

/// The paths and what each does, for `serve --faults` and README.
pub const PATHS: &[(&str, &str)] = &[
    ("/ready", "200 OK"),
    ("/hang", "reads the request, never answers"),
    ("/close-mid-body", "promises 100 bytes, sends 10, closes"),
    ("/garbage", "bytes that are not HTTP"),
    ("/redirect-loop", "302 to itself"),
    ("/ten-megabytes", "a 10 MiB body"),
    ("(any other)", "connection reset"),
];

/// Serves on 127.0.0.1:`port` (0: a free port) until stopped; a hanging connection ends with it.
pub async fn start(port: u16) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let (tx, mut rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        connections.spawn(answer(stream));
                    }
                }
                _ = &mut rx => break,
            }
        }
        connections.abort_all();
    });
    Ok(Running::new(addr, tx, task, false))
}

async fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let line = String::from_utf8_lossy(&head);
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let _ = match path.as_str() {
        "/ready" => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await
        }
        "/hang" => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        "/close-mid-body" => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b")
                .await
        }
        "/garbage" => {
            stream
                .write_all(b"\x00\x01 this is not HTTP at all\r\n\r\n")
                .await
        }
        "/redirect-loop" => {
            stream
                .write_all(
                    b"HTTP/1.1 302 Found\r\nlocation: /redirect-loop\r\ncontent-length: 0\r\n\r\n",
                )
                .await
        }
        "/ten-megabytes" => {
            let head = b"HTTP/1.1 200 OK\r\ncontent-length: 10485760\r\n\r\n";
            let chunk = vec![b'x'; 64 * 1024];
            let mut result = stream.write_all(head).await;
            for _ in 0..160 {
                if result.is_err() {
                    break;
                }
                result = stream.write_all(&chunk).await;
            }
            result
        }
        _ => {
            // Reset: no linger, so closing sends RST with the request body unread.
            let _ = stream.set_zero_linger();
            drop(stream);
            Ok(())
        }
    };
}
