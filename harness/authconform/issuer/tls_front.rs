//! The issuer over HTTPS: a TLS listener on 127.0.0.1 presenting one certificate of the TLS lab
//! and passing the decrypted bytes to the plain mock issuer, so a target's JWKS client can be shown
//! a self-signed, expired, wrong-host or foreign certificate.

use super::IssuerError;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::provision::pki::CertKey;
use crate::reference::tls::{ClientAuth, server_config};

/// A running front; dropping it stops the listener.
pub struct TlsFront {
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TlsFront {
    /// Listens on a free port of 127.0.0.1; needs a Tokio runtime context.
    pub fn start(cert: &CertKey, backend: SocketAddr) -> Result<TlsFront, IssuerError> {
        let config = server_config(&cert.cert, &cert.key, ClientAuth::None, "")?;
        let mut config = (*config).clone();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(IssuerError::FrontListen)?;
        let port = listener
            .local_addr()
            .map_err(IssuerError::FrontListen)?
            .port();
        let listener = TcpListener::from_std(listener).map_err(IssuerError::FrontListen)?;
        let task = tokio::spawn(accept(listener, acceptor, backend));
        Ok(TlsFront {
            url: format!("https://127.0.0.1:{port}"),
            task,
        })
    }
}

/// A client that opens a connection and never finishes the handshake is dropped after this.
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

async fn accept(listener: TcpListener, acceptor: TlsAcceptor, backend: SocketAddr) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let acceptor = acceptor.clone();
        connections.spawn(async move {
            // A client that refuses the certificate ends here: that is what the front is for.
            let Ok(Ok(mut tls)) =
                tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
            else {
                return;
            };
            let Ok(mut plain) = TcpStream::connect(backend).await else {
                return;
            };
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
        });
        while connections.try_join_next().is_some() {}
    }
}
