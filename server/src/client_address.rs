//! Who sent a request, as throttles count it. The TCP peer, unless it is a
//! configured trusted proxy: then the nearest address that the header the
//! operator says the proxy writes (`X-Forwarded-For` by default, or
//! `Forwarded`) names and that is not itself a trusted proxy. The other
//! header is ignored: most proxies pass a client's own copy through. IPv6
//! clients are counted by their /64, the block one subscriber usually holds,
//! and shown (on Sessions, in the activity log) by their whole address.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use app::ssr::ClientAddress;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The header the trusted proxies write the client's address into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For`, as nginx (`$proxy_add_x_forwarded_for`), HAProxy,
    /// Caddy, Traefik and most load balancers append it.
    #[default]
    XForwardedFor,
    /// `Forwarded` (RFC 7239) `for=`.
    Forwarded,
}

impl ForwardedHeader {
    fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        }
    }
}

/// The proxies whose forwarding header is believed, and which header that is.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies {
    networks: Arc<Vec<IpNet>>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>, header: ForwardedHeader) -> Self {
        Self {
            networks: Arc::new(networks),
            header,
        }
    }

    /// An IPv4 peer on a dual-stack listener arrives as `::ffff:a.b.c.d`:
    /// matched as the IPv4 address it is.
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that reached us from `peer`.
    pub fn client_of(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        // Each proxy appends the address it heard from: walk from the right,
        // skipping our own proxies; the first other address is the client.
        forwarded_chain(headers, self.header)
            .into_iter()
            .rev()
            .find(|ip| !self.trusts(*ip))
            .unwrap_or(peer)
    }
}

/// The addresses `header` names, left to right (`Forwarded`: its `for=`
/// parameters). An entry that is not an address (`unknown`, an obfuscated
/// name, garbage) ends the chain there: nothing left of it can be trusted.
fn forwarded_chain(headers: &HeaderMap, header: ForwardedHeader) -> Vec<IpAddr> {
    let elements = headers
        .get_all(header.name())
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    let entries: Vec<&str> = match header {
        ForwardedHeader::XForwardedFor => elements.map(str::trim).collect(),
        ForwardedHeader::Forwarded => elements
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for").then_some(value.trim())
                })
            })
            .collect(),
    };
    let mut chain = Vec::new();
    for entry in entries {
        match parse_node(entry) {
            Some(ip) => chain.push(ip),
            None => chain.clear(),
        }
    }
    chain
}

/// `203.0.113.7`, `203.0.113.7:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse::<Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// The throttle key of an address: IPv4 as is, IPv6 by its /64.
pub fn throttle_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Puts the request's [`ClientAddress`] where server functions read it.
pub async fn identify_client(
    State(proxies): State<TrustedProxies>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = proxies.client_of(peer, request.headers());
        request.extensions_mut().insert(ClientAddress {
            throttle_key: throttle_key(client),
            shown: client.to_canonical().to_string(),
        });
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header value"));
        }
        map
    }

    fn proxies(nets: &[&str]) -> TrustedProxies {
        let networks = nets.iter().map(|n| n.parse().expect("net")).collect();
        TrustedProxies::new(networks, ForwardedHeader::XForwardedFor)
    }

    const PROXY: &str = "10.0.0.5";

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let claimed = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(
            proxies(&[]).client_of(ip("203.0.113.9"), &claimed),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies(&["10.0.0.0/8"]).client_of(ip("203.0.113.9"), &claimed),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_address_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // The client forged the first entry; our proxy appended the real one.
        let forged = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.9")]);
        assert_eq!(trusted.client_of(ip(PROXY), &forged), ip("198.51.100.7"));
        let rfc7239 = headers(&[(
            "forwarded",
            "for=1.2.3.4, for=\"[2001:db8:cafe::17]:4711\";proto=https",
        )]);
        let networks = vec!["10.0.0.0/8".parse().expect("net")];
        let writes_forwarded = TrustedProxies::new(networks, ForwardedHeader::Forwarded);
        assert_eq!(
            writes_forwarded.client_of(ip(PROXY), &rfc7239),
            ip("2001:db8:cafe::17")
        );
    }

    #[test]
    fn only_the_header_the_proxy_writes_is_believed() {
        // A client's own `Forwarded`, passed through by a proxy that appends
        // `X-Forwarded-For`, names nobody; and the other way round.
        let both = headers(&[
            ("forwarded", "for=198.51.100.66"),
            ("x-forwarded-for", "198.51.100.9"),
        ]);
        assert_eq!(
            proxies(&["10.0.0.0/8"]).client_of(ip(PROXY), &both),
            ip("198.51.100.9")
        );
        let networks = vec!["10.0.0.0/8".parse().expect("net")];
        let writes_forwarded = TrustedProxies::new(networks, ForwardedHeader::Forwarded);
        assert_eq!(
            writes_forwarded.client_of(ip(PROXY), &both),
            ip("198.51.100.66")
        );
    }

    #[test]
    fn an_ipv4_proxy_on_a_dual_stack_listener_is_still_trusted() {
        let trusted = proxies(&["127.0.0.1/32"]);
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            trusted.client_of(ip("::ffff:127.0.0.1"), &forwarded),
            ip("203.0.113.9")
        );
        // An untrusted mapped peer is the client, shown as the IPv4 address it is.
        assert_eq!(
            trusted.client_of(ip("::ffff:198.51.100.4"), &forwarded),
            ip("198.51.100.4")
        );
    }

    #[test]
    fn garbage_or_no_header_leaves_the_proxy_as_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(trusted.client_of(ip(PROXY), &headers(&[])), ip(PROXY));
        for value in ["unknown", "not an address", "1.2.3.4, _hidden", ""] {
            let h = headers(&[("x-forwarded-for", value)]);
            assert_eq!(trusted.client_of(ip(PROXY), &h), ip(PROXY), "{value:?}");
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            throttle_key(ip("2001:db8:1:2:ffff:1:2:3"))
        );
        assert_ne!(
            throttle_key(ip("2001:db8:1:2::1")),
            throttle_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(throttle_key(ip("::ffff:198.51.100.7")), "198.51.100.7");
        assert_eq!(throttle_key(ip("198.51.100.7")), "198.51.100.7");
    }
}
