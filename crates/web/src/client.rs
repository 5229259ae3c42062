//! Where a request comes from: the client's address (behind a reverse proxy, the one the
//! proxy says it forwarded for — but only a proxy the operator named as trusted), and
//! whether an unsafe request was made by a page of this site.

use axum::http::{HeaderMap, header};
use std::net::IpAddr;

/// A network given as `10.0.0.0/8`, `192.168.1.10` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = s.split_once('/').unwrap_or((s, ""));
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("“{s}”不是 IP 地址或网段（例如 10.0.0.0/8）"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("“{s}”的前缀长度应在 0 到 {max} 之间"))?
        };
        Ok(Cidr { net, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (canonical(self.net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address seen as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case
/// the right-most address of `X-Forwarded-For` that is not itself a trusted proxy (what a
/// client puts on the left is theirs to invent; only what our proxies appended counts).
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[Cidr]) -> String {
    let Some(peer) = peer.map(canonical) else {
        return "local".into();
    };
    if !trusted.iter().any(|c| c.contains(peer)) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|a| a.trim().parse::<IpAddr>().ok())
        .map(canonical)
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.iter().any(|c| c.contains(**ip)))
        .or(forwarded.first())
        .copied()
        .unwrap_or(peer)
        .to_string()
}

/// `scheme://host[:port]` of a URL, lower-cased: the origin browsers send.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| {
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        )
    })
}

/// Whether an unsafe request comes from a page of this site. Browsers send `Origin` with
/// every such request; `null` (a sandboxed frame, a redirect from elsewhere, a file) is
/// not this site. Without `Origin`, the `Referer` decides; without either, the request is
/// refused when `need` (no session to hold a CSRF token: the login form) and let through
/// otherwise (the session's CSRF token still has to match).
pub fn same_site(headers: &HeaderMap, public_origin: Option<&str>, need: bool) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let ours = |origin: &str| {
        let origin = origin.to_ascii_lowercase();
        public_origin.is_some_and(|p| p == origin)
            || host.as_deref().is_some_and(|h| {
                origin == format!("http://{h}") || origin == format!("https://{h}")
            })
    };
    if let Some(o) = headers.get(header::ORIGIN) {
        return o.to_str().is_ok_and(|o| o != "null" && ours(o));
    }
    if let Some(r) = headers.get(header::REFERER) {
        return r
            .to_str()
            .ok()
            .and_then(origin_of)
            .is_some_and(|o| ours(&o));
    }
    !need
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn networks_contain_what_they_should() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(c.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!(
            "::1/128"
                .parse::<Cidr>()
                .unwrap()
                .contains("::1".parse().unwrap())
        );
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy: Vec<Cidr> = vec!["127.0.0.1".parse().unwrap()];
        let peer = Some("127.0.0.1".parse().unwrap());
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_ip(peer, &h, &proxy), "203.0.113.9");
        // Untrusted peer: its header is ignored.
        assert_eq!(
            client_ip(Some("198.51.100.1".parse().unwrap()), &h, &proxy),
            "198.51.100.1"
        );
        // A client's invented addresses on the left do not count.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9")]);
        assert_eq!(client_ip(peer, &h, &proxy), "203.0.113.9");
        // No header: the proxy itself.
        assert_eq!(client_ip(peer, &HeaderMap::new(), &proxy), "127.0.0.1");
        // Nothing trusted: always the peer.
        assert_eq!(client_ip(peer, &h, &[]), "127.0.0.1");
    }

    #[test]
    fn only_pages_of_this_site_may_post() {
        let ours = [("host", "jg.example"), ("origin", "http://jg.example")];
        assert!(same_site(&headers(&ours), None, true));
        assert!(!same_site(
            &headers(&[("host", "jg.example"), ("origin", "null")]),
            None,
            true
        ));
        assert!(!same_site(
            &headers(&[("host", "jg.example"), ("origin", "https://evil.example")]),
            None,
            true
        ));
        // Behind a proxy that rewrites Host, the configured public address counts.
        let proxied = [("host", "127.0.0.1:8080"), ("origin", "https://jg.example")];
        assert!(same_site(
            &headers(&proxied),
            Some("https://jg.example"),
            true
        ));
        assert!(!same_site(&headers(&proxied), None, true));
        // No Origin: the Referer decides; neither: refused for a login, allowed with a session.
        assert!(same_site(
            &headers(&[
                ("host", "jg.example"),
                ("referer", "http://jg.example/login?next=/")
            ]),
            None,
            true
        ));
        assert!(!same_site(
            &headers(&[("host", "jg.example"), ("referer", "http://evil.example/")]),
            None,
            true
        ));
        assert!(!same_site(&headers(&[("host", "jg.example")]), None, true));
        assert!(same_site(&headers(&[("host", "jg.example")]), None, false));
        assert_eq!(
            origin_of("HTTPS://Jg.Example:8443/x?y"),
            Some("https://jg.example:8443".into())
        );
    }
}
