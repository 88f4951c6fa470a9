//! What provisioning reads and writes, in terms every provider shares: the
//! project page and the create form never see a provider's own types.

use crate::error::DomainError;

/// A server (Hetzner) or droplet (DigitalOcean).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerInfo {
    pub id: i64,
    pub name: String,
    pub status: String,
    /// Server type or droplet size.
    pub size: String,
    /// Location or region.
    pub location: String,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
    pub created_at: Option<i64>,
    pub managed_by_potions: bool,
    pub delete_protected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    /// Hetzner's prices, VAT included.
    EurGross,
    /// DigitalOcean's prices, before tax.
    Usd,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    /// E.g. `fsn1 (Falkenstein, DE)`.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub location: String,
    pub monthly: f64,
    /// The provider recommends ordering this size here.
    pub recommended: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Size {
    pub name: String,
    pub description: String,
    pub cores: i64,
    pub memory_gb: f64,
    pub disk_gb: f64,
    pub architecture: String,
    pub cpu_type: String,
    /// Only the locations where the size is sold now.
    pub prices: Vec<Price>,
}

impl Size {
    pub fn sold_in(&self, location: &str) -> bool {
        self.prices.iter().any(|p| p.location == location)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub id: i64,
    pub description: String,
    pub architecture: String,
    /// Where the image can be used; `None` means everywhere.
    pub locations: Option<Vec<String>>,
}

impl Image {
    pub fn usable_in(&self, location: &str) -> bool {
        self.locations
            .as_ref()
            .is_none_or(|places| places.iter().any(|p| p == location))
    }
}

/// What the create form offers, from the live API.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    pub currency: Currency,
    pub locations: Vec<Place>,
    pub sizes: Vec<Size>,
    pub images: Vec<Image>,
}

/// A new server as the user asked for it.
#[derive(Debug, Clone)]
pub struct NewServer {
    pub name: String,
    pub location: String,
    pub size: String,
    pub image: i64,
    /// The project's keys the user ticked; the Potions key is always added.
    pub ssh_keys: Vec<i64>,
}

impl Catalogue {
    /// Checks a request against what is on offer, before anything is sent:
    /// the name is normalised, the size sold in the location, the image
    /// usable there and built for the size's architecture.
    pub fn check(&self, mut new: NewServer) -> Result<NewServer, DomainError> {
        new.name = new.name.trim().to_ascii_lowercase();
        if !rules::is_valid_server_name(&new.name) {
            return Err(DomainError::InvalidServerName);
        }
        let invalid = |field: &str| DomainError::InvalidServerRequest {
            fields: vec![field.into()],
        };
        let size = self
            .sizes
            .iter()
            .find(|s| s.name == new.size)
            .ok_or_else(|| invalid("server_type"))?;
        if !self.locations.iter().any(|l| l.name == new.location) {
            return Err(invalid("location"));
        }
        if !size.sold_in(&new.location) {
            return Err(DomainError::ServerTypeUnavailable {
                available_in: size.prices.iter().map(|p| p.location.clone()).collect(),
            });
        }
        let image_fits = |i: &Image| {
            i.id == new.image && i.architecture == size.architecture && i.usable_in(&new.location)
        };
        if !self.images.iter().any(image_fits) {
            return Err(invalid("image"));
        }
        Ok(new)
    }
}

/// A change made at the provider, with the id the provider gave its request
/// (Hetzner's correlation id, DigitalOcean's request id) for the activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed<T> {
    pub value: T,
    pub provider_request_id: Option<String>,
}

impl<T> Changed<T> {
    pub fn new(value: T, provider_request_id: Option<String>) -> Self {
        Self {
            value,
            provider_request_id,
        }
    }
}

/// A change that did not happen, or may have: the error, whether the
/// request reached the provider (a change refused by Potions' own checks
/// never did), and the id the provider gave the request when it answered.
#[derive(Debug)]
pub struct Refused {
    pub error: DomainError,
    pub sent: bool,
    pub provider_request_id: Option<String>,
}

impl Refused {
    /// The provider refused the request, or never answered it.
    pub fn by_provider(error: DomainError, provider_request_id: Option<String>) -> Self {
        Self {
            error,
            sent: true,
            provider_request_id,
        }
    }
}

/// Refused before anything was sent.
impl From<DomainError> for Refused {
    fn from(error: DomainError) -> Self {
        Self {
            error,
            sent: false,
            provider_request_id: None,
        }
    }
}

/// A server just accepted, and the provider's actions creating it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedServer {
    pub server_id: i64,
    pub actions: Vec<i64>,
}

/// How far the actions creating a server have come.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// `None` when the provider does not say (DigitalOcean).
    pub percent: Option<i64>,
    pub done: bool,
    pub failed: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyInfo {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub created_at: Option<i64>,
    /// The user's own Potions key, which every new server gets.
    pub is_potions_key: bool,
}

/// The outcome of adding an SSH key.
#[derive(Debug, Clone)]
pub enum AddedKey {
    Created(KeyInfo),
    /// A key with that fingerprint was already there; this is it.
    AlreadyThere(KeyInfo),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        let price = |location: &str| Price {
            location: location.into(),
            monthly: 6.0,
            recommended: false,
        };
        Catalogue {
            currency: Currency::Usd,
            locations: ["nyc3", "fra1"]
                .map(|name| Place {
                    name: name.into(),
                    description: name.into(),
                })
                .into(),
            sizes: vec![Size {
                name: "s-1vcpu-1gb".into(),
                description: "Basic".into(),
                cores: 1,
                memory_gb: 1.0,
                disk_gb: 25.0,
                architecture: String::new(),
                cpu_type: String::new(),
                prices: vec![price("nyc3")],
            }],
            images: vec![Image {
                id: 7,
                description: "Ubuntu".into(),
                architecture: String::new(),
                locations: Some(vec!["nyc3".into()]),
            }],
        }
    }

    fn request(location: &str, size: &str, image: i64) -> NewServer {
        NewServer {
            name: " Web-1 ".into(),
            location: location.into(),
            size: size.into(),
            image,
            ssh_keys: Vec::new(),
        }
    }

    #[test]
    fn requests_are_checked_against_the_offer() {
        let c = catalogue();
        assert_eq!(
            c.check(request("nyc3", "s-1vcpu-1gb", 7)).unwrap().name,
            "web-1"
        );
        assert!(matches!(
            c.check(request("fra1", "s-1vcpu-1gb", 7)),
            Err(DomainError::ServerTypeUnavailable { available_in }) if available_in == ["nyc3"]
        ));
        for (location, size, image, field) in [
            ("ams3", "s-1vcpu-1gb", 7, "location"),
            ("nyc3", "huge", 7, "server_type"),
            ("nyc3", "s-1vcpu-1gb", 8, "image"),
        ] {
            assert!(matches!(
                c.check(request(location, size, image)),
                Err(DomainError::InvalidServerRequest { fields }) if fields == [field]
            ));
        }
        let mut bad_name = request("nyc3", "s-1vcpu-1gb", 7);
        bad_name.name = "-web".into();
        assert!(matches!(
            c.check(bad_name),
            Err(DomainError::InvalidServerName)
        ));
    }

    #[test]
    fn an_image_listed_for_other_regions_is_refused() {
        let mut c = catalogue();
        c.sizes[0].prices.push(Price {
            location: "fra1".into(),
            monthly: 6.0,
            recommended: false,
        });
        assert!(c.check(request("fra1", "s-1vcpu-1gb", 7)).is_err());
        c.images[0].locations = None;
        assert!(c.check(request("fra1", "s-1vcpu-1gb", 7)).is_ok());
    }
}
