//! The wallet over TLS to a backend with a self-signed certificate behind a TLS front (as a
//! deployment terminates TLS at its load balancer): with the certificate added as a root
//! and its key pinned, it works; with a wrong pin, or without the root, the connection is
//! refused before anything is sent, as a typed error.

mod common;

use std::sync::Arc;

use common::*;
use purse_core::WalletError;
use purse_core::api::ApiError;
use purse_core::api::tls::{TlsPolicy, spki_pin};
use purse_core::keys::{DecisionProtector, KeyringSecrets};
use purse_core::{Wallet, WalletConfig};
use tokio::net::{TcpListener, TcpStream};

/// A TLS front on `listener` for the backend at `upstream`, with `cert`.
fn tls_front(
    listener: TcpListener,
    upstream: std::net::SocketAddr,
    cert: &rcgen::CertifiedKey<rcgen::KeyPair>,
) {
    let der = cert.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![der], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return; // a client that refused our certificate
                };
                if let Ok(mut up) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
            });
        }
    });
}

fn wallet(url: &str, tls: TlsPolicy) -> (Wallet, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let w = Wallet::open(
        WalletConfig::new(
            dir.path(),
            Arc::new(DecisionProtector::approving()),
            Arc::new(KeyringSecrets::mock("purse-tls-test").unwrap()),
        )
        .backend(url)
        .recovery_cost(purse_core::keys::Argon2Cost::INSECURE_FAST)
        .tls(tls),
    )
    .unwrap();
    (w, dir)
}

fn untrusted(e: WalletError) -> String {
    match e {
        WalletError::Api(ApiError::UntrustedServer(why)) => why,
        other => panic!("expected an untrusted server, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_key_is_required_and_enough() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let front = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://localhost:{}", front.local_addr().unwrap().port());
    let public = url.clone();
    let backend = Backend::start_with(|c| c.public_urls.push(public)).await;
    tls_front(front, backend.server.addr, &cert);

    let root = cert.cert.pem();
    let right = spki_pin(cert.cert.der()).unwrap();
    let wrong = spki_pin(other.cert.der()).unwrap();
    assert_ne!(right, wrong);

    // The right pin (and a backup that matches nothing yet): the wallet works over TLS.
    let (w, _d) = wallet(
        &url,
        TlsPolicy::new(&[wrong.clone(), right], Some(&root)).unwrap(),
    );
    w.enroll("Ada", cny(), "phone").await.unwrap();
    assert_eq!(w.balance().await.unwrap(), money("0.00 CNY"));

    // A wrong pin: refused, though the certificate chains to a root the wallet trusts.
    let (w, _d) = wallet(&url, TlsPolicy::new(&[wrong], Some(&root)).unwrap());
    let why = untrusted(
        w.enroll("Eve", cny(), "phone")
            .await
            .err()
            .expect("refused"),
    );
    assert!(why.contains("pinned"), "{why}");
    assert!(w.account().unwrap().is_none(), "nothing was enrolled");

    // No root for the self-signed certificate: refused as untrusted.
    let (w, _d) = wallet(&url, TlsPolicy::default());
    let why = untrusted(
        w.enroll("Eve", cny(), "phone")
            .await
            .err()
            .expect("refused"),
    );
    assert!(why.to_lowercase().contains("certificate"), "{why}");

    // And plain http outside loopback is refused before any connection.
    let (w, _d) = wallet("http://wallet.example.com", TlsPolicy::default());
    assert!(matches!(
        w.enroll("Eve", cny(), "phone")
            .await
            .err()
            .expect("refused"),
        WalletError::Api(ApiError::InsecureUrl(_))
    ));
}
