//! Sends the rotation from C connections for D seconds, each connection one HTTP/1.1 keep-alive
//! stream driven by hyper's client connection (no pool, no per-request allocation beyond the
//! request), and tallies what came back.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use super::mix::LoadRequest;
use super::summary::Tally;

#[derive(Clone)]
pub struct LoadSpec {
    pub addr: SocketAddr,
    pub method: hyper::Method,
    pub path: String,
    pub rotation: Arc<Vec<LoadRequest>>,
    pub connections: usize,
    pub duration: Duration,
    /// Longest wait for one answer; a run ends at most this long after `duration`.
    pub request_timeout: Duration,
}

pub async fn drive(spec: LoadSpec) -> Tally {
    let deadline = Instant::now() + spec.duration;
    let mut workers = JoinSet::new();
    for id in 0..spec.connections {
        workers.spawn(worker(id, spec.clone(), deadline));
    }
    let mut tally = Tally::default();
    while let Some(done) = workers.join_next().await {
        if let Ok(t) = done {
            tally.merge(t);
        }
    }
    tally
}

async fn worker(id: usize, spec: LoadSpec, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    let host = spec.addr.to_string();
    let mut next = id;
    while Instant::now() < deadline {
        let Ok(Ok(stream)) =
            tokio::time::timeout(spec.request_timeout, TcpStream::connect(spec.addr)).await
        else {
            tally.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            tally.errors += 1;
            continue;
        };
        let driver = tokio::spawn(connection);
        while Instant::now() < deadline {
            // A connection the server closed (CrateDB closes after a 401) is replaced, not an error.
            if sender.ready().await.is_err() {
                break;
            }
            let planned = &spec.rotation[next % spec.rotation.len()];
            next += 1;
            let mut builder = Request::builder()
                .method(spec.method.clone())
                .uri(spec.path.as_str())
                .header(hyper::header::HOST, host.as_str());
            for (name, value) in &planned.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            let Ok(request) = builder.body(Empty::<Bytes>::new()) else {
                tally.errors += 1;
                continue;
            };
            let started = Instant::now();
            let answered = tokio::time::timeout(spec.request_timeout, async {
                let response = sender.send_request(request).await?;
                let status = response.status();
                response.into_body().collect().await?;
                Ok::<_, hyper::Error>(status)
            })
            .await;
            match answered {
                Ok(Ok(status)) => {
                    let micros = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                    tally.latencies_us.push(micros);
                    match (planned.valid, status.is_success()) {
                        (true, true) => tally.valid_ok += 1,
                        (true, false) => tally.valid_refused += 1,
                        (false, true) => tally.invalid_accepted += 1,
                        (false, false) => tally.invalid_refused += 1,
                    }
                }
                _ => {
                    tally.errors += 1;
                    break;
                }
            }
        }
        driver.abort();
    }
    tally
}
