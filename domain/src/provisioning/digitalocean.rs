//! Provisioning in a DigitalOcean team, through its OAuth access token
//! (refreshed once when DigitalOcean refuses it).

use crate::error::Refusal;
use model::UserId;
use std::future::Future;

use super::{
    AddedKey, Catalogue, Changed, CreatedServer, Currency, Image, NewServer, Place, Price,
    Progress, Provisioner, Provisioning, Refused, Server, ServerDetails, Size, SshKey,
};
use crate::clock::parse_rfc3339;
use crate::connections::digitalocean::{api_failure, DigitalOceanSetup};
use crate::connections::{Connection, ConnectionStatus};
use crate::error::DomainError;
use crate::providers::digitalocean::{
    self, AccessToken, ActionStatus, Answer, DigitalOceanError, ErrorKind, NewDroplet, POTIONS_TAG,
};

/// Actions followed at most per poll: each costs one request.
const MAX_FOLLOWED_ACTIONS: usize = 3;

/// A team opened for provisioning.
pub(super) struct DigitalOceanTeam<'a> {
    provisioning: &'a Provisioning,
    user_id: &'a UserId,
    pub(super) connection: Connection,
    setup: &'a DigitalOceanSetup,
}

/// A change DigitalOcean refused, with the request id of its answer.
fn refused(err: &DigitalOceanError) -> Refused {
    Refused::by_provider(provisioning_failure(err), err.request_id.clone())
}

/// What a failed provisioning call means to the user.
fn provisioning_failure(err: &DigitalOceanError) -> DomainError {
    match &err.kind {
        ErrorKind::NotFound => DomainError::Refused(Refusal::ServerNotFound),
        ErrorKind::Unprocessable { message } | ErrorKind::BadRequest { message } => {
            DomainError::Refused(Refusal::DigitalOceanRefused(message.clone()))
        }
        // Refused right after a refresh: not the user's to fix.
        ErrorKind::Unauthorized => {
            tracing::warn!(error = %err, "digitalocean refused a fresh token");
            DomainError::Refused(Refusal::DigitalOceanUnreachable)
        }
        _ => api_failure(err),
    }
}

impl<'a> DigitalOceanTeam<'a> {
    /// Access DigitalOcean refused stops every call until the team is reconnected.
    pub(super) fn open(
        provisioning: &'a Provisioning,
        user_id: &'a UserId,
        connection: Connection,
    ) -> Result<Self, DomainError> {
        if connection.status == ConnectionStatus::NeedsAttention {
            return Err(DomainError::Refused(Refusal::DigitalOceanAccessLost));
        }
        Ok(Self {
            setup: provisioning.connections.digitalocean_setup()?,
            provisioning,
            user_id,
            connection,
        })
    }

    /// DigitalOcean's answer to `call`, with its request id; a failure
    /// reads as `fail` says.
    async fn call<T, E, F, Fut>(
        &self,
        call: F,
        fail: fn(&DigitalOceanError) -> E,
    ) -> Result<Answer<T>, E>
    where
        E: From<DomainError>,
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<Answer<T>, DigitalOceanError>>,
    {
        self.provisioning
            .connections
            .with_digitalocean_token(self.user_id, &self.connection.id, call, fail)
            .await
    }

    /// What `call` read.
    async fn read<T, F, Fut>(&self, call: F) -> Result<T, DomainError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<Answer<T>, DigitalOceanError>>,
    {
        self.call(call, provisioning_failure)
            .await
            .map(|answer| answer.value)
    }

    fn client(&self) -> &'a digitalocean::DigitalOceanClient {
        &self.setup.client
    }

    fn key_info(&self, key: digitalocean::SshKey) -> SshKey {
        SshKey {
            is_potions_key: key.id == self.connection.ssh_key_id,
            created_at: None,
            id: key.id,
            name: key.name,
            fingerprint: key.fingerprint,
        }
    }
}

impl Provisioner for DigitalOceanTeam<'_> {
    async fn servers(&self) -> Result<Vec<Server>, DomainError> {
        let droplets = self
            .provisioning
            .connections
            .droplets(self.user_id, &self.connection.id)
            .await?;
        Ok(droplets.into_iter().map(server_info).collect())
    }

    async fn load_catalogue(&self) -> Result<Catalogue, DomainError> {
        let client = self.client();
        let (regions, sizes, images) = futures::try_join!(
            self.read(|token| async move { client.regions(&token).await }),
            self.read(|token| async move { client.sizes(&token).await }),
            self.read(|token| async move { client.distribution_images(&token).await }),
        )?;
        Ok(catalogue(regions, sizes, images))
    }

    async fn create_server(&self, new: NewServer) -> Result<Changed<CreatedServer>, Refused> {
        let potions_key = self
            .provisioning
            .connections
            .team_key_id(self.user_id, &self.connection)
            .await?;
        let mut ssh_keys = vec![potions_key];
        ssh_keys.extend(new.ssh_keys.iter().copied().filter(|k| *k != potions_key));
        let droplet = NewDroplet {
            name: new.name,
            region: new.location,
            size: new.size,
            image: new.image.to_string(),
            ssh_keys: ssh_keys.iter().map(i64::to_string).collect(),
            tags: vec![POTIONS_TAG.into()],
            ipv6: true,
            user_data: None,
        };
        let client = self.client();
        // Repeated only after a 401, which DigitalOcean answers before doing anything.
        let created = self
            .call(
                |token| {
                    let droplet = &droplet;
                    async move { client.create_droplet(&token, droplet).await }
                },
                refused,
            )
            .await?;
        let server = CreatedServer {
            server_id: model::ServerId::new(created.value.droplet.id),
            actions: vec![created.value.action_id],
        };
        Ok(Changed::new(server, created.request_id))
    }

    async fn progress(&self, actions: &[i64]) -> Result<Progress, DomainError> {
        let client = self.client();
        let mut done = true;
        for &id in actions.iter().take(MAX_FOLLOWED_ACTIONS) {
            let action = self
                .read(|token| async move { client.action(&token, id).await })
                .await?;
            match action.status {
                ActionStatus::Completed => {}
                ActionStatus::Errored => {
                    return Ok(Progress {
                        percent: None,
                        done: false,
                        failed: Some(format!("its {} action failed", action.kind)),
                    });
                }
                ActionStatus::InProgress | ActionStatus::Unknown => done = false,
            }
        }
        Ok(Progress {
            percent: done.then_some(100),
            done,
            failed: None,
        })
    }

    async fn delete_server(
        &self,
        server_id: model::ServerId,
        confirm_name: &str,
    ) -> Result<Changed<()>, Refused> {
        let client = self.client();
        let droplet = self
            .read(|token| async move { client.droplet(&token, server_id.get()).await })
            .await?;
        if droplet.name != confirm_name {
            return Err(DomainError::Refused(Refusal::ConfirmationMismatch).into());
        }
        // Deleted now, or already gone (404): either way it is gone.
        self.call(
            |token| async move { client.delete_droplet(&token, server_id.get()).await },
            refused,
        )
        .await
        .map(|answer| Changed::new((), answer.request_id))
    }

    async fn ssh_keys(&self) -> Result<Vec<SshKey>, DomainError> {
        let client = self.client();
        let keys = self
            .read(|token| async move { client.ssh_keys(&token).await })
            .await?;
        Ok(keys.into_iter().map(|k| self.key_info(k)).collect())
    }

    async fn add_ssh_key(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Changed<AddedKey>, Refused> {
        let client = self.client();
        let existing = || async {
            let answer = self
                .call(
                    |token| async move { client.ssh_key(&token, fingerprint).await },
                    provisioning_failure,
                )
                .await?;
            let found = answer.value.map(|key| self.key_info(key));
            Ok::<_, DomainError>(
                found.map(|key| Changed::new(AddedKey::AlreadyThere(key), answer.request_id)),
            )
        };
        if let Some(found) = existing().await? {
            return Ok(found);
        }
        match self
            .call(
                |token| async move { client.create_ssh_key(&token, name, public_key).await },
                refused,
            )
            .await
        {
            Ok(answer) => Ok(Changed::new(
                AddedKey::Created(self.key_info(answer.value)),
                answer.request_id,
            )),
            // "SSH Key is already in use on your account": added meanwhile.
            Err(refused)
                if matches!(
                    refused.error,
                    DomainError::Refused(Refusal::DigitalOceanRefused(_))
                ) =>
            {
                match existing().await? {
                    Some(found) => Ok(found),
                    None => Err(refused),
                }
            }
            Err(refused) => Err(refused),
        }
    }

    async fn server(&self, server_id: model::ServerId) -> Result<ServerDetails, DomainError> {
        let client = self.client();
        let droplet = self
            .read(|token| async move { client.droplet(&token, server_id.get()).await })
            .await?;
        Ok(server_details(droplet))
    }

    async fn delete_ssh_key(&self, key_id: i64) -> Result<Changed<()>, Refused> {
        let client = self.client();
        let id = key_id.to_string();
        self.call(
            |token| {
                let id = id.as_str();
                async move { client.delete_ssh_key(&token, id).await }
            },
            refused,
        )
        .await
        .map(|answer| Changed::new((), answer.request_id))
    }
}

fn server_details(d: digitalocean::Droplet) -> ServerDetails {
    let image = d.image.as_ref().map(|image| {
        if image.distribution.is_empty() || image.name.starts_with(&image.distribution) {
            image.name.clone()
        } else {
            format!("{} {}", image.distribution, image.name)
        }
    });
    let mut labels = d.tags.clone();
    labels.sort();
    ServerDetails {
        image,
        labels,
        rebuild_protected: None,
        backups: d.features.iter().any(|f| f == "backups"),
        reverse_dns: Vec::new(),
        monthly_price: None,
        currency: Currency::Usd,
        server: server_info(d),
    }
}

fn server_info(d: digitalocean::Droplet) -> Server {
    Server {
        ipv4: d.public_ipv4().map(str::to_string),
        ipv6: d.public_ipv6().map(str::to_string),
        managed_by_potions: d.is_managed_by_potions(),
        delete_protected: false,
        created_at: parse_rfc3339(&d.created_at),
        id: model::ServerId::new(d.id),
        status: d.status.as_str().to_string(),
        name: d.name,
        size: d.size_slug,
        location: d.region.slug,
    }
}

/// Available regions; sizes with the regions that sell them; distribution
/// images with the regions that offer them. DigitalOcean has no architectures.
fn catalogue(
    regions: Vec<digitalocean::Region>,
    sizes: Vec<digitalocean::Size>,
    images: Vec<digitalocean::Image>,
) -> Catalogue {
    let regions: Vec<_> = regions.into_iter().filter(|r| r.available).collect();
    let sells = |region: &digitalocean::Region, size: &digitalocean::Size| {
        size.sold_in(&region.slug) && (region.sizes.is_empty() || region.sizes.contains(&size.slug))
    };
    let size = |s: &digitalocean::Size| Size {
        prices: regions
            .iter()
            .filter(|r| sells(r, s))
            .map(|r| Price {
                location: r.slug.clone(),
                monthly: s.price_monthly,
                recommended: false,
            })
            .collect(),
        name: s.slug.clone(),
        description: if s.description.is_empty() {
            s.slug.clone()
        } else {
            format!("{} ({})", s.description, s.slug)
        },
        cores: s.vcpus,
        // Megabytes.
        memory_gb: s.memory as f64 / 1024.0,
        disk_gb: s.disk as f64,
        architecture: String::new(),
        cpu_type: String::new(),
    };
    Catalogue {
        currency: Currency::Usd,
        sizes: sizes.iter().filter(|s| s.available).map(size).collect(),
        images: images
            .into_iter()
            .filter(|i| i.status.is_empty() || i.status == "available")
            .map(|i| Image {
                id: i.id,
                description: format!("{} {}", i.distribution, i.name).trim().to_string(),
                architecture: String::new(),
                locations: Some(i.regions),
            })
            .collect(),
        locations: regions
            .into_iter()
            .map(|r| Place {
                description: format!("{} ({})", r.slug, r.name),
                name: r.slug,
            })
            .collect(),
    }
}
