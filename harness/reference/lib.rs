//! The embedded reference server: each dialect's auth as the spec describes it, on loopback.
//!
//! It is the thing under test, so it never imports the harness side (scenarios, runner, reports).

pub mod basic;
pub mod chroma;
pub mod cratedb;
pub mod faults;
pub mod flaws;
pub mod generic;
pub mod jwks;
pub mod jwt_check;
pub mod openapi;
pub mod tls;
pub mod token;
pub mod weaviate;
mod wire;

use authconform_format::{dialect, duration, scenario};

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use authconform_authn as authn;

/// Why a reference server refused to start: what a real server would log before exiting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A setting is missing, unknown or malformed.
    #[error("{0}")]
    Setting(String),
    /// A credential file (htpasswd, token file, users file, PBKDF2 record) cannot be read.
    #[error("{0}")]
    Credentials(String),
    /// The TLS certificate, key or client CA cannot be used.
    #[error("{0}")]
    Tls(String),
    /// The key set or the OIDC discovery document it needs cannot be had.
    #[error("{0}")]
    Keys(String),
}

/// A server listening on 127.0.0.1; dropping it (or calling [`Running::stop`]) stops it.
pub struct Running {
    pub addr: SocketAddr,
    pub tls: bool,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    fn new(
        addr: SocketAddr,
        shutdown: oneshot::Sender<()>,
        task: JoinHandle<()>,
        tls: bool,
    ) -> Running {
        Running {
            addr,
            tls,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Serves `app` on an ephemeral port of 127.0.0.1.
pub async fn start(app: axum::Router) -> std::io::Result<Running> {
    start_on(app, TcpListener::bind(("127.0.0.1", 0)).await?).await
}

/// Serves `app` on a listener already bound (a fixed port the caller chose).
pub async fn start_on(app: axum::Router, listener: TcpListener) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await;
    });
    Ok(Running::new(addr, tx, task, false))
}

/// How every outbound HTTP client starts — the reference servers' (OIDC discovery, key sets) and,
/// through `authconform::http_client`, the harness's: no proxy, and no redirect ever followed (a
/// 3xx is an answer to judge, and following one could carry a request, or its credentials, to
/// another host). On a machine with no system trust store (a scratch container) the platform
/// verifier cannot start, so only the CAs added later are trusted there. `clippy.toml` forbids the
/// bare builder everywhere else.
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
