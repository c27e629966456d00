//! The HTTPS comparison of `load`: the collector serving TLS itself (`--tls-cert`), against a
//! bare hyper server with tokio-rustls answering 204 (the limit) and nginx terminating TLS in
//! front of the plain collector (the route template of `middleware/collector/deploy/nginx/`),
//! each with a new connection per request (`Connection: close`, as phones report) and with
//! keep-alive. Every server, nginx included, runs on CPU 1 with one worker.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::rt::{TokioExecutor, TokioIo};

use crate::{Server, pinned};

/// The certificate pair of the run: self-signed for 127.0.0.1, an ECDSA P-256 key.
pub(crate) struct Pair {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
}

/// Makes the pair in `scratch`.
pub(crate) fn pair(scratch: &Path) -> Pair {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("a certificate");
    let pair = Pair { cert: scratch.join("tls.crt"), key: scratch.join("tls.key") };
    std::fs::write(&pair.cert, certified.cert.pem()).expect("the certificate file");
    std::fs::write(&pair.key, certified.signing_key.serialize_pem()).expect("the key file");
    pair
}

/// `load serve bare_tls CERT KEY`: hyper over tokio-rustls (TLS 1.2 and 1.3, ALPN h2 and
/// http/1.1), reading each body and answering 204; prints its address, runs until killed.
pub(crate) fn serve_bare(cert: &Path, key: &Path) -> ! {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert).and_then(Iterator::collect).expect("the certificate");
    let key = PrivateKeyDer::from_pem_file(key).expect("the key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .expect("the versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("the pair");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        crate::announce(listener.local_addr().expect("an address"));
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else { return };
                let service = hyper::service::service_fn(mediadiag_benches::stacks::bare::<hyper::body::Incoming>);
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                let _ = builder.serve_connection(TokioIo::new(stream), service).await;
            });
        }
    })
}

/// nginx with the route template, TLS on a free loopback port, in front of the plain
/// collector at `collector`; the UCWA pool it would send other requests to is never used.
pub(crate) fn start_nginx(scratch: &Path, pair: &Pair, collector: SocketAddr) -> Option<Server> {
    let nginx = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].into_iter().find(|path| Path::new(path).exists())?;
    let dir = scratch.join("nginx");
    std::fs::create_dir_all(dir.join("logs")).expect("nginx's directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let template = include_str!("../../../../middleware/collector/deploy/nginx/route.conf.template");
    // What envsubst does with the template's explicit variable list.
    let server = [
        ("${LISTEN}", format!("127.0.0.1:{port}")),
        ("${SERVER_NAME}", "127.0.0.1".to_owned()),
        ("${TLS_CERT}", pair.cert.display().to_string()),
        ("${TLS_KEY}", pair.key.display().to_string()),
        ("${UCWA_POOL}", "http://127.0.0.1:9".to_owned()),
        ("${COLLECTOR}", format!("http://{collector}")),
    ]
    .iter()
    .fold(template.to_owned(), |text, (name, value)| text.replace(name, value));
    std::fs::write(dir.join("route.conf"), server).expect("the server block");
    let temp = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "worker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/logs/error.log;\ndaemon off;\n\
             events {{ worker_connections 4096; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {temp}/body;\n\
             proxy_temp_path {temp}/proxy;\n  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n\
             scgi_temp_path {temp}/scgi;\n  include {temp}/route.conf;\n}}\n"
        ),
    )
    .expect("nginx.conf");
    let child = pinned(1, Path::new(nginx))
        .args(["-p", &temp.to_string(), "-c", &dir.join("nginx.conf").display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(address).is_err() {
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Server { child, address, admin: None })
}

/// The collector's TLS flags for `pair`.
pub(crate) fn collector_flags(pair: &Pair) -> [String; 4] {
    ["--tls-cert".to_owned(), pair.cert.display().to_string(), "--tls-key".to_owned(), pair.key.display().to_string()]
}
