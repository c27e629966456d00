//! HTTPS on the reportMediaDiagnostics listener: the certificate chain and key of
//! `--tls-cert` and `--tls-key` (PEM; PKCS#8, RSA or SEC1 keys), served by rustls with TLS 1.2
//! and 1.3 only and ALPN `h2` and `http/1.1`, and read again on SIGHUP without a restart: new
//! connections get the new pair, open ones go on, and a pair that fails to load leaves the old
//! one in use.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ServerConfig, version};

/// Reloads that failed, the old pair kept: counter.
pub(crate) const TLS_RELOAD_FAILURES_TOTAL: &str = "mediadiag_tls_reload_failures_total";
/// Connections closed before their TLS handshake completed: counter, label `reason`
/// (`timeout`: not done within `--tls-handshake-timeout`; `error`: refused or broken).
pub(crate) const TLS_HANDSHAKE_FAILURES_TOTAL: &str = "mediadiag_tls_handshake_failures_total";

/// Why a certificate pair could not be used; names the flag whose file is at fault.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TlsError {
    #[error("cannot read a PEM certificate chain: {0}")]
    Certificates(#[source] rustls::pki_types::pem::Error),
    #[error("the file holds no certificate")]
    NoCertificate,
    #[error("cannot read a PEM private key (PKCS#8, RSA or SEC1): {0}")]
    Key(#[source] rustls::pki_types::pem::Error),
    #[error("the key cannot serve this certificate: {0}")]
    Refused(#[source] rustls::Error),
}

impl TlsError {
    /// The flag whose file the error is about.
    pub(crate) fn flag(&self) -> &'static str {
        match self {
            TlsError::Certificates(_) | TlsError::NoCertificate => "--tls-cert",
            TlsError::Key(_) | TlsError::Refused(_) => "--tls-key",
        }
    }
}

/// The certificate pair in use and where it is read from.
#[derive(Debug)]
pub(crate) struct Certificates {
    cert: PathBuf,
    key: PathBuf,
    provider: Arc<CryptoProvider>,
    current: ArcSwap<CertifiedKey>,
}

impl Certificates {
    /// Reads the pair; fails when either file cannot be read or the key does not match.
    pub(crate) fn load(cert: &Path, key: &Path) -> Result<Arc<Certificates>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let current = ArcSwap::from_pointee(read(cert, key, &provider)?);
        Ok(Arc::new(Certificates { cert: cert.to_owned(), key: key.to_owned(), provider, current }))
    }

    /// Reads the pair again; on failure the pair in use stays.
    pub(crate) fn reload(&self) -> Result<(), TlsError> {
        self.current.store(Arc::new(read(&self.cert, &self.key, &self.provider)?));
        Ok(())
    }

    /// The server configuration: TLS 1.2 and 1.3, ALPN `h2` then `http/1.1`, this pair.
    pub(crate) fn server_config(self: &Arc<Self>) -> Result<Arc<ServerConfig>, TlsError> {
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&version::TLS13, &version::TLS12])
            .map_err(TlsError::Refused)?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

/// The chain of `cert` with the key of `key`, checked to match.
fn read(cert: &Path, key: &Path, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(TlsError::Certificates)?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(TlsError::Key)?;
    CertifiedKey::from_der(chain, key, provider).map_err(TlsError::Refused)
}

/// Reads the pair again on each SIGHUP, for as long as the process runs. Without TLS a
/// SIGHUP only says so: it never ends the process (a service manager's reload sends it).
pub(crate) async fn reload_on_hangup(certificates: Option<Arc<Certificates>>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        tracing::warn!("SIGHUP cannot be caught: the TLS certificate is read only at start");
        return;
    };
    while hangups.recv().await.is_some() {
        let Some(certificates) = &certificates else {
            tracing::info!("SIGHUP: nothing to reload (no --tls-cert)");
            continue;
        };
        match certificates.reload() {
            Ok(()) => tracing::info!("SIGHUP: the TLS certificate was read again; new connections use it"),
            Err(error) => {
                metrics::counter!(TLS_RELOAD_FAILURES_TOTAL).increment(1);
                tracing::warn!(flag = error.flag(), "SIGHUP: the TLS certificate stays as it was: {error}");
            }
        }
    }
}
