//! What provisioning reads and writes, in terms every provider shares: the
//! project page and the create form never see a provider's own types.

use crate::error::Refusal;
use model::provisioning::{Catalogue, Image, SshKey};

use crate::error::DomainError;

/// The activity entry for `action` on the resource `(id, name)` of
/// `connection`, as `result` turned out; `None` when it was refused before
/// anything was sent (a bad name, an unconfirmed delete): nothing changed.
pub fn cloud_change_entry<T>(
    connection: &crate::connections::Connection,
    action: crate::activity::Action,
    resource: (String, &str),
    result: &Result<Changed<T>, Refused>,
) -> Option<crate::activity::Entry> {
    use crate::activity::{Entry, Outcome, Target};
    let outcome = match result {
        Ok(_) => Outcome::Ok,
        Err(refused) if !refused.sent => return None,
        // No answer in time: it may have happened.
        Err(Refused {
            error:
                DomainError::Refused(Refusal::HetznerUnreachable | Refusal::DigitalOceanUnreachable),
            ..
        }) => Outcome::Unknown,
        Err(_) => Outcome::Failed,
    };
    let (id, name) = resource;
    let entry = Entry::new(action, outcome)
        .on(&connection.id, &connection.label)
        .target(Target {
            provider: connection.provider.clone(),
            id,
            name: name.trim().to_string(),
        })
        .provider_request(match result {
            Ok(changed) => changed.provider_request_id.clone(),
            Err(refused) => refused.provider_request_id.clone(),
        });
    Some(entry)
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

/// Checks a request against what is on offer, before anything is sent:
/// the name is normalised, the size sold in the location, the image usable
/// there and built for the size's architecture.
pub fn check_against(catalogue: &Catalogue, mut new: NewServer) -> Result<NewServer, DomainError> {
    new.name = new.name.trim().to_ascii_lowercase();
    if !model::limits::is_valid_server_name(&new.name) {
        return Err(DomainError::Refused(Refusal::InvalidServerName));
    }
    let invalid =
        |field: &str| DomainError::Refused(Refusal::InvalidServerRequest(vec![field.into()]));
    let size = catalogue
        .sizes
        .iter()
        .find(|s| s.name == new.size)
        .ok_or_else(|| invalid("server_type"))?;
    if !catalogue.locations.iter().any(|l| l.name == new.location) {
        return Err(invalid("location"));
    }
    if !size.sold_in(&new.location) {
        return Err(DomainError::Refused(Refusal::ServerTypeUnavailable(
            size.prices.iter().map(|p| p.location.clone()).collect(),
        )));
    }
    let image_fits = |i: &Image| {
        i.id == new.image && i.architecture == size.architecture && i.usable_in(&new.location)
    };
    if !catalogue.images.iter().any(image_fits) {
        return Err(invalid("image"));
    }
    Ok(new)
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

    /// The same change, its value replaced: the provider's request id stays.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Changed<U> {
        Changed::new(f(self.value), self.provider_request_id)
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
    pub server_id: model::ServerId,
    pub actions: Vec<i64>,
}

/// Actions just accepted (a rebuild, the rescue system), and the root
/// password the provider set with them (Hetzner), for the user to see once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub actions: Vec<i64>,
    pub root_password: Option<crate::providers::hetzner::RootPassword>,
}

/// The outcome of adding an SSH key.
#[derive(Debug, Clone)]
pub enum AddedKey {
    Created(SshKey),
    /// A key with that fingerprint was already there; this is it.
    AlreadyThere(SshKey),
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::provisioning::{Currency, Place, Price, Size};

    fn catalogue() -> Catalogue {
        let price = |location: &str| Price {
            location: location.into(),
            monthly: 6.0,
            recommended: false,
        };
        Catalogue {
            snapshot_price_per_gb: None,
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
            check_against(&c, request("nyc3", "s-1vcpu-1gb", 7))
                .unwrap()
                .name,
            "web-1"
        );
        assert!(matches!(
            check_against(&c, request("fra1", "s-1vcpu-1gb", 7)),
            Err(DomainError::Refused(Refusal::ServerTypeUnavailable(available_in))) if available_in == ["nyc3"]
        ));
        for (location, size, image, field) in [
            ("ams3", "s-1vcpu-1gb", 7, "location"),
            ("nyc3", "huge", 7, "server_type"),
            ("nyc3", "s-1vcpu-1gb", 8, "image"),
        ] {
            assert!(matches!(
                check_against(&c, request(location, size, image)),
                Err(DomainError::Refused(Refusal::InvalidServerRequest(fields))) if fields == [field]
            ));
        }
        let mut bad_name = request("nyc3", "s-1vcpu-1gb", 7);
        bad_name.name = "-web".into();
        assert!(matches!(
            check_against(&c, bad_name),
            Err(DomainError::Refused(Refusal::InvalidServerName))
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
        assert!(check_against(&c, request("fra1", "s-1vcpu-1gb", 7)).is_err());
        c.images[0].locations = None;
        assert!(check_against(&c, request("fra1", "s-1vcpu-1gb", 7)).is_ok());
    }
}
