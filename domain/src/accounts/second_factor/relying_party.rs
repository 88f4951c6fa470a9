//! The relying party passkeys are made for, from Potions' public URL.

use std::net::IpAddr;
use std::sync::Arc;

use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

/// Who passkeys are made for: the host users reach Potions at.
#[derive(Clone)]
pub struct RelyingParty(pub(super) Arc<Webauthn>);

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RelyingParty")
            .field(&self.0.get_allowed_origins())
            .finish()
    }
}

impl RelyingParty {
    /// From the public URL, whose host names the relying party. WebAuthn
    /// needs a domain: a loopback address (the default public URL) becomes
    /// `localhost` on any port; any other IP address cannot hold passkeys.
    pub fn for_public_url(public_url: &str) -> Option<Self> {
        let url = Url::parse(public_url).ok()?;
        let host = url.host_str()?.trim_matches(['[', ']']);
        let (origin, any_port) = match host.parse::<IpAddr>() {
            Ok(ip) if ip.is_loopback() => {
                let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                (
                    Url::parse(&format!("{}://localhost{port}", url.scheme())).ok()?,
                    true,
                )
            }
            Ok(_) => return None,
            Err(_) => (Url::parse(&url.origin().ascii_serialization()).ok()?, false),
        };
        let rp_id = origin.host_str()?.to_string();
        let webauthn = WebauthnBuilder::new(&rp_id, &origin)
            .ok()?
            .rp_name("Potions")
            .allow_any_port(any_port)
            .build()
            .ok()?;
        Some(Self(Arc::new(webauthn)))
    }

    /// Where passkeys work: the origin browsers must be at.
    pub fn origin(&self) -> String {
        self.0
            .get_allowed_origins()
            .first()
            .map(|o| o.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_public_hosts_domain() {
        let rp = RelyingParty::for_public_url("https://potions.example/app/").unwrap();
        assert_eq!(rp.origin(), "https://potions.example");
        let local = RelyingParty::for_public_url("http://127.0.0.1:3000").unwrap();
        assert_eq!(local.origin(), "http://localhost:3000");
        assert!(RelyingParty::for_public_url("http://[::1]:3000").is_some());
        assert!(RelyingParty::for_public_url("http://192.0.2.7:3000").is_none());
        assert!(RelyingParty::for_public_url("not a url").is_none());
    }
}
