//! The addresses clients reach this backend by. A request's signature covers the URL the
//! client used (RFC 9421 `@target-uri`), so the backend rebuilds that URL from an address it
//! knows to be its own, never from the request: a request signed for another server, sent
//! here with that server's `Host`, is refused instead of checked against a URL its sender
//! chose.
//!
//! The addresses are the `--public-url`s (behind a TLS-terminating proxy or load balancer),
//! and the address the backend listens on unless that is every interface (`0.0.0.0`), which
//! no client can name.

use std::net::SocketAddr;

/// Why the configured addresses cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PublicAddressError {
    #[error("--public-url {0:?}: {1}")]
    Invalid(String, String),
    #[error("listening on every interface ({0}): give the URL clients use with --public-url")]
    Unnamed(SocketAddr),
}

#[derive(Debug, Clone)]
pub struct PublicAddresses {
    /// Each known authority (`host[:port]`, lower case, default port left out) with its
    /// base URL (`scheme://authority`).
    known: Vec<(String, String)>,
}

impl PublicAddresses {
    pub fn new(public_urls: &[String], listening: SocketAddr) -> Result<Self, PublicAddressError> {
        let mut known = Vec::new();
        for text in public_urls {
            let invalid = |why: &str| PublicAddressError::Invalid(text.clone(), why.to_owned());
            let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(invalid("must be http or https"));
            }
            if url.path() != "/" || url.query().is_some() || !url.username().is_empty() {
                return Err(invalid("must be a scheme and an address, nothing more"));
            }
            let host = url.host_str().ok_or_else(|| invalid("has no host"))?;
            let authority = match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            let base = format!("{}://{authority}", url.scheme());
            known.push((authority.to_ascii_lowercase(), base));
        }
        if listening.ip().is_unspecified() {
            if known.is_empty() {
                return Err(PublicAddressError::Unnamed(listening));
            }
        } else {
            let authority = listening.to_string();
            known.push((authority.clone(), format!("http://{authority}")));
        }
        Ok(PublicAddresses { known })
    }

    /// Whether a browser reaches this backend only over plain http on loopback (development),
    /// where a Secure cookie would never come back.
    pub fn loopback_only(&self) -> bool {
        self.known.iter().all(|(authority, base)| {
            base.starts_with("http:")
                && (authority.starts_with("127.")
                    || authority.starts_with("localhost")
                    || authority.starts_with("[::1]"))
        })
    }

    /// The base URL for a request that named `host` (its `Host` header), if that is one of
    /// this backend's addresses. An explicit default port (`:443` on https, `:80` on http)
    /// names the same address.
    pub fn base_for(&self, host: &str) -> Option<&str> {
        let host = host.trim().to_ascii_lowercase();
        self.known.iter().find_map(|(authority, base)| {
            let default = if base.starts_with("https:") {
                ":443"
            } else {
                ":80"
            };
            let same = host == *authority || host.strip_suffix(default) == Some(authority.as_str());
            same.then_some(base.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_listen_address_is_known_by_default_and_nothing_else() {
        let p = PublicAddresses::new(&[], addr("127.0.0.1:8080")).unwrap();
        assert_eq!(p.base_for("127.0.0.1:8080"), Some("http://127.0.0.1:8080"));
        assert_eq!(p.base_for("127.0.0.1:8081"), None);
        assert_eq!(p.base_for("evil.example"), None);
        assert_eq!(p.base_for("localhost:8080"), None);
        assert_eq!(p.base_for(""), None);
    }

    #[test]
    fn public_urls_add_addresses_with_their_scheme() {
        let p = PublicAddresses::new(
            &[
                "https://API.example.com".into(),
                "http://10.0.0.5:9000/".into(),
            ],
            addr("127.0.0.1:8080"),
        )
        .unwrap();
        assert_eq!(
            p.base_for("api.example.com"),
            Some("https://api.example.com")
        );
        assert_eq!(
            p.base_for("api.example.com:443"),
            Some("https://api.example.com")
        );
        assert_eq!(p.base_for("api.example.com:80"), None);
        assert_eq!(p.base_for("10.0.0.5:9000"), Some("http://10.0.0.5:9000"));
        assert_eq!(p.base_for("127.0.0.1:8080"), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn every_interface_needs_a_public_url_and_a_url_must_be_an_address() {
        assert!(matches!(
            PublicAddresses::new(&[], addr("0.0.0.0:8080")),
            Err(PublicAddressError::Unnamed(_))
        ));
        let p = PublicAddresses::new(&["https://api.example.com".into()], addr("0.0.0.0:8080"))
            .unwrap();
        assert_eq!(p.base_for("0.0.0.0:8080"), None);
        for bad in [
            "ftp://x",
            "https://x/api",
            "https://u@x",
            "nonsense",
            "https://x?q=1",
        ] {
            assert!(
                PublicAddresses::new(&[bad.into()], addr("127.0.0.1:1")).is_err(),
                "{bad}"
            );
        }
    }
}
