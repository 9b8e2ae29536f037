//! Where the backend may send a merchant's webhooks: https to a public address, never to
//! the backend's own network. A merchant chooses the URL, so an unchecked one would let
//! anyone make the backend call its neighbours (a cloud's metadata service at
//! 169.254.169.254, a database on 10.0.0.5, the backend itself on loopback).
//!
//! The rule is checked twice: on the URL when a merchant registers it (scheme, no
//! credentials, an address literal must be public), and on every address the name resolves
//! to at delivery time, inside the HTTP client's resolver, so a name that pointed somewhere
//! public at registration and somewhere private since (DNS rebinding) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Which addresses deliveries may reach besides public ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets {
    /// Loopback, over plain http too: development and tests only (`--allow-loopback-webhooks`),
    /// where the merchant's endpoint runs on the same machine.
    pub allow_loopback: bool,
}

/// Why a webhook URL or address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("not a URL: {0}")]
    Malformed(String),
    #[error("webhook URLs must be https")]
    NotHttps,
    #[error("webhook URLs must not carry a user name or password")]
    Credentials,
    #[error("webhook URLs must be at most {MAX_URL_LEN} characters")]
    TooLong,
    #[error("{0} is not a public address")]
    NotPublic(IpAddr),
    #[error("{0} names this machine")]
    Loopback(String),
    #[error("{0} has no public address")]
    NoPublicAddress(String),
}

pub const MAX_URL_LEN: usize = 2048;

impl Targets {
    /// Whether a delivery may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        is_public(ip) || (self.allow_loopback && canonical(ip).is_loopback())
    }

    /// Checks a webhook URL as a merchant gives it. A name is checked again, on the
    /// addresses it resolves to, at each delivery.
    pub fn check_url(&self, text: &str) -> Result<url::Url, TargetError> {
        if text.len() > MAX_URL_LEN {
            return Err(TargetError::TooLong);
        }
        let url = url::Url::parse(text).map_err(|e| TargetError::Malformed(e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::Credentials);
        }
        let loopback = match url.host() {
            None => return Err(TargetError::Malformed("no host".into())),
            Some(url::Host::Ipv4(v4)) => self.literal(IpAddr::V4(v4))?,
            Some(url::Host::Ipv6(v6)) => self.literal(IpAddr::V6(v6))?,
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                let local = name == "localhost" || name.ends_with(".localhost");
                if local && !self.allow_loopback {
                    return Err(TargetError::Loopback(name));
                }
                local
            }
        };
        match url.scheme() {
            "https" => Ok(url),
            "http" if loopback && self.allow_loopback => Ok(url),
            _ => Err(TargetError::NotHttps),
        }
    }

    /// An address written in the URL: allowed, and whether it is loopback.
    fn literal(&self, ip: IpAddr) -> Result<bool, TargetError> {
        if !self.allows(ip) {
            return Err(TargetError::NotPublic(ip));
        }
        Ok(canonical(ip).is_loopback())
    }

    /// The addresses of `resolved` a delivery may connect to; none is an error.
    pub fn filter(
        &self,
        name: &str,
        resolved: impl IntoIterator<Item = SocketAddr>,
    ) -> Result<Vec<SocketAddr>, TargetError> {
        let allowed: Vec<SocketAddr> = resolved
            .into_iter()
            .filter(|a| self.allows(a.ip()))
            .collect();
        if allowed.is_empty() {
            return Err(TargetError::NoPublicAddress(name.to_owned()));
        }
        Ok(allowed)
    }
}

/// An IPv4 address carried in IPv6 (mapped `::ffff:a.b.c.d`, or NAT64 `64:ff9b::/96`) as
/// the IPv4 address it reaches.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return IpAddr::V4(Ipv4Addr::new(a, b, c, d));
            }
            IpAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// Whether `ip` is on the public internet: not loopback, private, link-local, unique-local,
/// shared (carrier NAT), multicast, broadcast, unspecified, documentation or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (RFC 6598)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])) // discard-only
}

/// The HTTP client's resolver for deliveries: resolves with the system, then keeps only the
/// addresses [`Targets::allows`], so the check holds at the moment of connecting.
#[derive(Debug, Clone)]
pub struct CheckedResolver(pub Targets);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let targets = self.0;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed = targets.filter(&host, resolved)?;
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: Targets = Targets {
        allow_loopback: false,
    };
    const DEV: Targets = Targets {
        allow_loopback: true,
    };

    #[test]
    fn public_https_urls_pass() {
        for ok in [
            "https://shop.example.com/hooks/purse",
            "https://shop.example.com:8443/h?x=1",
            "https://93.184.215.14/hook",
            "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook",
        ] {
            STRICT.check_url(ok).unwrap();
        }
    }

    #[test]
    fn the_backends_neighbours_and_plain_http_are_refused() {
        for (bad, why) in [
            ("http://shop.example.com/hook", TargetError::NotHttps),
            ("ftp://shop.example.com/hook", TargetError::NotHttps),
            (
                "https://user:pw@shop.example.com/",
                TargetError::Credentials,
            ),
            ("https://user@shop.example.com/", TargetError::Credentials),
            (
                "https://169.254.169.254/latest/meta-data",
                TargetError::NotPublic("169.254.169.254".parse().unwrap()),
            ),
            (
                "https://10.0.0.1/",
                TargetError::NotPublic("10.0.0.1".parse().unwrap()),
            ),
            (
                "https://[fd00::1]/",
                TargetError::NotPublic("fd00::1".parse().unwrap()),
            ),
            (
                "https://[::ffff:127.0.0.1]/",
                TargetError::NotPublic("::ffff:127.0.0.1".parse().unwrap()),
            ),
            (
                "http://127.0.0.1:8080/v1/balance",
                TargetError::NotPublic("127.0.0.1".parse().unwrap()),
            ),
            (
                "https://localhost/",
                TargetError::Loopback("localhost".into()),
            ),
            (
                "https://api.LOCALHOST./",
                TargetError::Loopback("api.localhost".into()),
            ),
            (
                "https://0.0.0.0/",
                TargetError::NotPublic("0.0.0.0".parse().unwrap()),
            ),
            (
                "https://2130706433/",
                TargetError::NotPublic("127.0.0.1".parse().unwrap()),
            ),
        ] {
            assert_eq!(STRICT.check_url(bad).unwrap_err(), why, "{bad}");
        }
        assert_eq!(
            STRICT.check_url(&format!("https://x.example/{}", "a".repeat(2048))),
            Err(TargetError::TooLong)
        );
    }

    #[test]
    fn loopback_only_behind_the_development_flag_and_nothing_else_with_it() {
        DEV.check_url("http://127.0.0.1:9000/hook").unwrap();
        DEV.check_url("http://localhost:9000/hook").unwrap();
        DEV.check_url("http://[::1]:9000/hook").unwrap();
        assert_eq!(
            DEV.check_url("http://shop.example.com/hook"),
            Err(TargetError::NotHttps)
        );
        assert!(DEV.check_url("https://10.1.2.3/").is_err());
        assert!(DEV.check_url("https://169.254.169.254/").is_err());
    }

    #[test]
    fn address_classes() {
        for private in [
            "127.0.0.2",
            "10.255.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.0.1",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "0.1.2.3",
            "198.18.0.1",
            "240.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "ff02::1",
            "2001:db8::1",
            "64:ff9b::a00:1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "64:ff9b::101:101",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_this_machine_is_refused_when_delivering() {
        use reqwest::dns::Resolve;
        let name = || "localhost".parse::<reqwest::dns::Name>().unwrap();
        let refused = CheckedResolver(STRICT).resolve(name()).await;
        let error = refused.err().expect("refused").to_string();
        assert!(error.contains("localhost has no public address"), "{error}");
        let allowed = CheckedResolver(DEV).resolve(name()).await.unwrap();
        assert!(allowed.into_iter().all(|a| a.ip().is_loopback()));
    }
}
