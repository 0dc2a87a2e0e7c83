//! TLS from the first byte (IMAPS, POP3S), checked against the Mozilla roots.

use std::sync::Arc;

use goats_core::ports::MailboxError;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use crate::imap::fail;

pub(crate) async fn connect(host: &str, port: u16, tcp: TcpStream) -> Result<TlsStream<TcpStream>, MailboxError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail("TLS", e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|e| fail(&format!("`{host}` is no server name"), e))?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| fail(&format!("TLS with {host}:{port}"), e))
}
