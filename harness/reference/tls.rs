//! Serving a reference app over TLS (rustls), optionally asking for or requiring a client
//! certificate from a given CA. Handlers see the verified client certificate's CN as a
//! [`ClientCertName`] extension and the peer address as `ConnectInfo`.

use crate::ConfigError;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use super::Running;

/// The CN of the client certificate the TLS layer verified, if one was presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertName(pub Option<String>);

pub use authconform_format::tls::ClientAuth;

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A server configuration presenting `cert_pem`/`key_pem`, verifying client certificates
/// against `client_ca_pem` when `client_auth` asks for them.
pub fn server_config(
    cert_pem: &str,
    key_pem: &str,
    client_auth: ClientAuth,
    client_ca_pem: &str,
) -> Result<Arc<ServerConfig>, ConfigError> {
    let certs = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::Tls(format!("server certificate: {e}")))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| ConfigError::Tls(format!("server key: {e}")))?;
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Tls(e.to_string()))?;
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Request | ClientAuth::Require => {
            let mut roots = rustls::RootCertStore::empty();
            for ca in CertificateDer::pem_slice_iter(client_ca_pem.as_bytes()) {
                roots
                    .add(ca.map_err(|e| ConfigError::Tls(format!("client CA: {e}")))?)
                    .map_err(|e| ConfigError::Tls(format!("client CA: {e}")))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
            let verifier = if client_auth == ClientAuth::Request {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            builder.with_client_cert_verifier(
                verifier
                    .build()
                    .map_err(|e| ConfigError::Tls(e.to_string()))?,
            )
        }
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| ConfigError::Tls(format!("server certificate: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `app` over TLS on an ephemeral port of 127.0.0.1.
pub async fn start_tls(app: Router, config: Arc<ServerConfig>) -> std::io::Result<Running> {
    start_tls_on(app, config, 0).await
}

/// Serves `app` over TLS on `port` of 127.0.0.1 (0: an ephemeral one).
pub async fn start_tls_on(
    app: Router,
    config: Arc<ServerConfig>,
    port: u16,
) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let acceptor = TlsAcceptor::from(config);
    let (tx, mut rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(_) => continue,
                },
                _ = &mut rx => break,
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let name = tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|c| c.first())
                    .and_then(|der| common_name(der));
                let app = app
                    .layer(axum::Extension(ClientCertName(name)))
                    .layer(axum::Extension(ConnectInfo::<SocketAddr>(peer)));
                let service = TowerToHyperService::new(app);
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    Ok(Running::new(addr, tx, task, true))
}

fn common_name(der: &CertificateDer<'_>) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let cn = cert
        .subject()
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_owned();
    Some(cn)
}
