//! How the wallet trusts its backend's TLS: the WebPKI roots (plus any the operator adds for
//! a private CA), and optionally a pinned set of the backend's public keys, as OkHttp's
//! `CertificatePinner` and iOS's pinned keys do: a certificate that chains to a trusted root
//! is still refused unless a key in its chain is pinned. A pin is `sha256/` and the base64
//! of the SHA-256 of a certificate's SubjectPublicKeyInfo; pin the backend's key and a
//! backup key, so that a key rotation does not lock every phone out.
//!
//! Plain http is refused outside loopback before anything is sent
//! ([`super::check_backend_url`]).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::ApiError;

/// The wallet's TLS trust: extra roots and pinned keys. The default trusts the WebPKI roots
/// and pins nothing.
#[derive(Clone, Default)]
pub struct TlsPolicy {
    pins: Vec<[u8; 32]>,
    extra_roots: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for TlsPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsPolicy")
            .field("pins", &self.pins.len())
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

/// The pin of a certificate's public key: `sha256/` and base64.
pub fn spki_pin(cert_der: &[u8]) -> Result<String, ApiError> {
    Ok(format!("sha256/{}", B64.encode(spki_sha256(cert_der)?)))
}

fn spki_sha256(cert_der: &[u8]) -> Result<[u8; 32], ApiError> {
    let der = CertificateDer::from(cert_der);
    let cert = webpki::EndEntityCert::try_from(&der)
        .map_err(|e| ApiError::InvalidUrl(format!("not a certificate: {e:?}")))?;
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        cert.subject_public_key_info().as_ref(),
    );
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    Ok(out)
}

impl TlsPolicy {
    /// Pins (`sha256/BASE64`) and extra root certificates (PEM), both optional.
    pub fn new(pins: &[String], extra_roots_pem: Option<&str>) -> Result<Self, ApiError> {
        let mut parsed = Vec::with_capacity(pins.len());
        for pin in pins {
            let digest = pin
                .strip_prefix("sha256/")
                .and_then(|b| B64.decode(b).ok())
                .and_then(|d| <[u8; 32]>::try_from(d).ok())
                .ok_or_else(|| {
                    ApiError::InvalidUrl(format!(
                        "pin {pin:?} is not sha256/ and the base64 of 32 bytes"
                    ))
                })?;
            parsed.push(digest);
        }
        let mut extra_roots = Vec::new();
        if let Some(pem) = extra_roots_pem {
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                extra_roots.push(
                    cert.map_err(|e| {
                        ApiError::InvalidUrl(format!("extra root certificates: {e}"))
                    })?,
                );
            }
            if extra_roots.is_empty() {
                return Err(ApiError::InvalidUrl(
                    "extra root certificates: no certificate in the PEM".into(),
                ));
            }
        }
        Ok(TlsPolicy {
            pins: parsed,
            extra_roots,
        })
    }

    /// The rustls configuration, or `None` for reqwest's own (nothing pinned or added).
    pub(crate) fn client_config(&self) -> Result<Option<rustls::ClientConfig>, ApiError> {
        if self.pins.is_empty() && self.extra_roots.is_empty() {
            return Ok(None);
        }
        let setup = |e: rustls::Error| ApiError::Network {
            message: format!("TLS set-up: {e}"),
            retryable: false,
        };
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in &self.extra_roots {
            roots.add(cert.clone()).map_err(setup)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| ApiError::Network {
                message: format!("TLS set-up: {e}"),
                retryable: false,
            })?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(setup)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedVerifier {
                webpki,
                pins: self.pins.clone(),
            }))
            .with_no_client_auth();
        Ok(Some(config))
    }
}

/// WebPKI verification, then (when keys are pinned) a pinned key in the chain.
#[derive(Debug)]
struct PinnedVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    pins: Vec<[u8; 32]>,
}

/// What a refused pin says; [`super::ApiError::UntrustedServer`] carries it.
pub(crate) const PIN_MISMATCH: &str = "the backend's certificate matches no pinned key";

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if self.pins.is_empty() {
            return Ok(verified);
        }
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(|c| spki_sha256(c).ok())
            .any(|key| self.pins.contains(&key));
        if pinned {
            Ok(verified)
        } else {
            Err(rustls::Error::General(PIN_MISMATCH.into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_must_be_sha256_of_32_bytes() {
        let good = format!("sha256/{}", B64.encode([7u8; 32]));
        assert!(TlsPolicy::new(&[good], None).is_ok());
        for bad in ["sha1/AAAA", "sha256/not base64!", "sha256/AAAA", ""] {
            assert!(TlsPolicy::new(&[bad.to_owned()], None).is_err(), "{bad}");
        }
        assert!(TlsPolicy::new(&[], Some("no pem here")).is_err());
        assert!(TlsPolicy::default().client_config().unwrap().is_none());
    }
}
