//! What the create form offers: locations, server types and images, from
//! the live API and cached per project.

use super::Provisioning;
use crate::error::DomainError;
use crate::hetzner::{Image, Location, ServerType};

/// What the create form offers, from the live API.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub locations: Vec<Location>,
    pub server_types: Vec<ServerType>,
    pub images: Vec<Image>,
}

impl Catalogue {
    /// System images for an architecture, not deprecated.
    pub fn images_for(&self, architecture: &str) -> Vec<&Image> {
        self.images
            .iter()
            .filter(|i| i.architecture == architecture && i.deprecated.is_none())
            .collect()
    }

    /// Locations where a type is sold (for "not available here" messages).
    pub fn locations_of(&self, server_type: &str) -> Vec<String> {
        self.server_types
            .iter()
            .find(|t| t.name == server_type)
            .map(|t| {
                t.locations
                    .iter()
                    .filter(|l| t.available_in(&l.name))
                    .map(|l| l.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Provisioning {
    pub async fn catalogue(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<Catalogue, DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        if let Some(cached) = self.catalogues.get(connection_id) {
            return Ok(cached);
        }
        let client = self.connections.hetzner();
        let (locations, types, images) = futures::join!(
            client.locations(&token),
            client.server_types(&token),
            client.system_images(&token, None)
        );
        let catalogue = match (locations, types, images) {
            (Ok(l), Ok(t), Ok(i)) => Catalogue {
                locations: l.value,
                server_types: t.value,
                images: i.value,
            },
            (l, t, i) => {
                let err = [l.err(), t.err(), i.err()].into_iter().flatten().next();
                return Err(match err {
                    Some(err) => self.fail(user_id, connection_id, err).await,
                    None => DomainError::HetznerUnreachable,
                });
            }
        };
        self.catalogues
            .insert(connection_id.to_string(), catalogue.clone());
        Ok(catalogue)
    }
}
