//! TLS for PostgreSQL by `sslmode`, made once per store.
//!
//! - `disable`: plain TCP.
//! - `prefer` (the default): TLS when the server offers it, plain TCP when it does not. When
//!   it offers TLS, its certificate and name are verified against the system's roots, and a
//!   certificate that fails verification fails the connection: tokio-postgres falls back to
//!   plain TCP only when the server declines TLS, never after a failed handshake.
//! - `require`: TLS, the certificate and name verified against the system's roots; a server
//!   that declines TLS fails the connection.
//!
//! libpq verifies nothing in `prefer` and `require` (only in `verify-ca` and `verify-full`),
//! and in `prefer` retries without TLS after a failed handshake.

use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The TLS connector for `mode`, or `None` for plain TCP. `require` with no system roots is
/// refused: it could never connect. `prefer` with none is accepted (a server without TLS
/// still works) and warned about: a server that offers TLS fails verification.
pub(super) fn connector(mode: SslMode) -> Result<Option<MakeRustlsConnect>, String> {
    match mode {
        SslMode::Disable => Ok(None),
        SslMode::Prefer => {
            let roots = system_roots();
            if roots.is_empty() {
                tracing::warn!(
                    "the system has no root certificates: a PostgreSQL server that offers TLS will fail \
                     verification (sslmode=prefer); install them, or set sslmode=disable"
                );
            }
            verifying(roots).map(Some)
        }
        SslMode::Require => {
            let roots = system_roots();
            if roots.is_empty() {
                return Err("sslmode=require, but the system has no root certificates".to_owned());
            }
            verifying(roots).map(Some)
        }
        _ => Err("sslmode is disable, prefer or require".to_owned()),
    }
}

/// The system's root certificates (or those of `SSL_CERT_FILE` / `SSL_CERT_DIR`, when set);
/// the ones that cannot be read are left out.
fn system_roots() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(certificate);
    }
    roots
}

/// rustls, verifying the server's certificate chain and name against `roots`.
fn verifying(roots: rustls::RootCertStore) -> Result<MakeRustlsConnect, String> {
    let config = rustls::ClientConfig::builder_with_provider(rustls::crypto::ring::default_provider().into())
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}
