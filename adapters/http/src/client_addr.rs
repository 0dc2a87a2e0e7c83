//! Who is asking: the address a login is throttled and logged by. It is the socket's
//! peer, unless that peer is a proxy the operator trusts; then it is the address that
//! proxy reports in `Forwarded` or `X-Forwarded-For`, read from the right past every
//! trusted hop. A header from anyone else is ignored, so a client cannot choose the
//! address it is counted under.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use poem::{FromRequest, Request, RequestBody};

/// The proxies whose forwarding headers are believed (addresses or networks).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// `10.0.0.5`, `10.88.0.0/16`, `::1`; an entry that is neither is an error naming it.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            let net = match entry.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => entry
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("`{entry}` is not an address or a network such as 10.0.0.0/8"))?,
            };
            nets.push(net);
        }
        Ok(Self(Arc::new(nets)))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request whose socket peer is `peer`.
    pub fn client(&self, peer: Option<IpAddr>, req: &Request) -> String {
        let Some(peer) = peer.map(canonical) else { return "unknown".into() };
        if !self.trusts(peer) {
            return peer.to_string();
        }
        let hops = forwarded_for(req);
        // From the right: the nearest hop first; the first one not trusted is the client.
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => client = *ip,
                Some(ip) => return ip.to_string(),
                // A hop that is no address (`unknown`, garbage): nothing past it is believed.
                None => break,
            }
        }
        client.to_string()
    }
}

/// An IPv4 address carried in IPv6 (`::ffff:10.0.0.5`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The addresses a chain of proxies appended, left to right: RFC 7239's `Forwarded`
/// when present, otherwise `X-Forwarded-For`.
fn forwarded_for(req: &Request) -> Vec<Option<IpAddr>> {
    let joined =
        |name: &str| req.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let forwarded = joined("forwarded");
    if !forwarded.trim().is_empty() {
        return forwarded
            .split(',')
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| node_ip(value.trim().trim_matches('"')))?
                })
            })
            .collect();
    }
    joined("x-forwarded-for").split(',').map(|h| node_ip(h.trim())).collect()
}

/// `192.0.2.7`, `192.0.2.7:4711`, `[2001:db8::1]:4711` or `2001:db8::1` as an address.
fn node_ip(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok()).map(canonical);
    }
    node.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok()).map(canonical)
}

/// Logs a login refused for too many failures, with the address it was counted under:
/// what an operator looks for when someone is guessing passwords.
pub fn note_refusal(client: &str, login: &str, e: &goats_core::auth::AuthError) {
    if let goats_core::auth::AuthError::Throttled { retry_after_secs } = e {
        tracing::warn!(%client, %login, retry_after_secs, "a login was throttled");
        metrics::counter!("goats_logins_throttled_total").increment(1);
    }
}

/// The client's address, for handlers: see [`TrustedProxies::client`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl<'a> FromRequest<'a> for ClientAddr {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
        let proxies = req.data::<crate::AppState>().map(|s| s.trusted_proxies.clone()).unwrap_or_default();
        Ok(ClientAddr(proxies.client(peer, req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder();
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.finish()
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn headers_count_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse(&["10.88.0.0/16".into(), "127.0.0.1".into()]).unwrap();
        let spoofed = req(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(proxies.client(ip("198.51.100.4"), &spoofed), "198.51.100.4", "a stranger's header is ignored");
        assert_eq!(proxies.client(ip("10.88.0.3"), &spoofed), "203.0.113.9");
        assert_eq!(proxies.client(ip("::ffff:10.88.0.3"), &spoofed), "203.0.113.9", "IPv4 in IPv6");
        // The client put a fake address first; the trusted proxy appended the real one.
        let chained = req(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.88.0.7")]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &chained), "203.0.113.9");
        let forwarded = req(&[("forwarded", "for=1.2.3.4, for=\"[2001:db8::7]:4711\";proto=https")]);
        assert_eq!(proxies.client(ip("10.88.0.3"), &forwarded), "2001:db8::7");
        let garbage = req(&[("x-forwarded-for", "203.0.113.9, unknown")]);
        assert_eq!(proxies.client(ip("10.88.0.3"), &garbage), "10.88.0.3", "nothing past a bad hop");
        assert_eq!(proxies.client(ip("10.88.0.3"), &req(&[])), "10.88.0.3", "a proxy sending nothing");
        assert_eq!(TrustedProxies::default().client(ip("10.88.0.3"), &spoofed), "10.88.0.3", "none trusted");
    }

    #[test]
    fn entries_are_addresses_or_networks() {
        assert!(TrustedProxies::parse(&["::1".into(), "172.16.0.0/12".into(), " ".into()]).is_ok());
        let e = TrustedProxies::parse(&["nginx".into()]).unwrap_err();
        assert!(e.contains("`nginx`"), "{e}");
    }
}
