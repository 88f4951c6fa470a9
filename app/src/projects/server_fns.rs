//! The project page's server functions: servers, the create form's choices,
//! creation progress, deletion and SSH keys.

use leptos::prelude::*;

use super::{CreateServerChoices, ProjectOverview, ProvisioningProgress, SshKeySummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod convert {
    use super::super::*;
    use domain::clock::parse_rfc3339;
    use domain::hetzner::{Server, SshKey};
    use domain::provisioning::Catalogue;

    pub fn server(s: Server) -> ServerSummary {
        ServerSummary {
            ipv4: s.ipv4().map(str::to_string),
            ipv6: s.ipv6_host(),
            managed_by_potions: domain::connections::is_managed_by_potions(&s.labels),
            delete_protected: s.protection.delete,
            created_at: parse_rfc3339(&s.created),
            id: s.id,
            name: s.name,
            status: s.status,
            server_type: s.server_type.name,
            location: s.location.name,
        }
    }

    pub fn droplet(d: domain::digitalocean::Droplet) -> ServerSummary {
        ServerSummary {
            ipv4: d.public_ipv4().map(str::to_string),
            ipv6: d.public_ipv6().map(str::to_string),
            managed_by_potions: d.is_managed_by_potions(),
            delete_protected: false,
            created_at: parse_rfc3339(&d.created_at),
            id: d.id,
            status: d.status.as_str().to_string(),
            name: d.name,
            server_type: d.size_slug,
            location: d.region.slug,
        }
    }

    pub fn ssh_key(k: SshKey, potions_key_id: i64) -> SshKeySummary {
        SshKeySummary {
            is_potions_key: k.id == potions_key_id,
            created_at: parse_rfc3339(&k.created),
            id: k.id,
            name: k.name,
            fingerprint: k.fingerprint,
        }
    }

    pub fn choices(catalogue: &Catalogue, ssh_keys: Vec<SshKeySummary>) -> CreateServerChoices {
        CreateServerChoices {
            locations: catalogue
                .locations
                .iter()
                .map(|l| LocationChoice {
                    name: l.name.clone(),
                    description: format!("{} ({}, {})", l.name, l.city, l.country),
                })
                .collect(),
            server_types: catalogue
                .server_types
                .iter()
                .filter(|t| t.deprecation.is_none())
                .map(|t| ServerTypeChoice {
                    name: t.name.clone(),
                    description: t.description.clone(),
                    cores: t.cores,
                    memory_gb: t.memory,
                    disk_gb: t.disk,
                    architecture: t.architecture.clone(),
                    cpu_type: t.cpu_type.clone(),
                    prices: t
                        .locations
                        .iter()
                        .filter(|l| t.available_in(&l.name))
                        .filter_map(|l| {
                            let price = t.monthly_gross(&l.name)?.parse().ok()?;
                            Some(LocationPrice {
                                location: l.name.clone(),
                                monthly_gross_eur: price,
                                recommended: t.recommended_in(&l.name),
                            })
                        })
                        .collect(),
                })
                .collect(),
            images: catalogue
                .images
                .iter()
                .filter(|i| i.deprecated.is_none())
                .map(|i| ImageChoice {
                    id: i.id,
                    description: i.description.clone(),
                    architecture: i.architecture.clone(),
                })
                .collect(),
            ssh_keys,
        }
    }
}

#[server(prefix = "/api", endpoint = "load_project")]
pub async fn load_project(id: String) -> Result<ProjectOverview, AppError> {
    use crate::connections::server_fns::{provider_of, status_of};
    use crate::connections::ConnectionStatus;
    let (user, state) = crate::ssr::user_and_state().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let mut overview = ProjectOverview {
        provider: provider_of(&connection.provider)?,
        status: status_of(connection.status),
        label: connection.label,
        connection_id: id,
        servers: Vec::new(),
    };
    if overview.status == ConnectionStatus::Connected
        && overview.provider == crate::providers::Provider::DigitalOcean
    {
        match state
            .connections
            .droplets(&user.id, &overview.connection_id)
            .await
        {
            Ok(list) => overview.servers = list.into_iter().map(convert::droplet).collect(),
            Err(domain::DomainError::DigitalOceanAccessLost) => {
                overview.status = ConnectionStatus::NeedsAttention
            }
            Err(err) => return Err(err.into()),
        }
    } else if overview.status == ConnectionStatus::Connected {
        match state
            .provisioning
            .servers(&user.id, &overview.connection_id)
            .await
        {
            Ok(list) => overview.servers = list.into_iter().map(convert::server).collect(),
            // The token was just rejected: show the project as needing attention.
            Err(domain::DomainError::TokenRejected) => {
                overview.status = ConnectionStatus::NeedsAttention
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok(overview)
}

#[server(prefix = "/api", endpoint = "load_create_server_choices")]
pub async fn load_create_server_choices(id: String) -> Result<CreateServerChoices, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let catalogue = state.provisioning.catalogue(&user.id, &id).await?;
    let keys = state.provisioning.ssh_keys(&user.id, &id).await?;
    let keys = keys
        .into_iter()
        .map(|k| convert::ssh_key(k, connection.ssh_key_id))
        .collect();
    Ok(convert::choices(&catalogue, keys))
}

/// Sends the create request; a plain form post then follows its progress.
#[server(prefix = "/api", endpoint = "create_server")]
pub async fn create_server(
    id: String,
    name: String,
    location: String,
    server_type: String,
    image: i64,
    #[server(default)] ssh_keys: Vec<i64>,
) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let new = domain::provisioning::NewServer {
        name,
        location,
        server_type,
        image,
        ssh_keys,
    };
    let created = state.provisioning.create_server(&user.id, &id, new).await?;
    let actions: Vec<String> = std::iter::once(&created.action)
        .chain(&created.next_actions)
        .map(|a| a.id.to_string())
        .collect();
    crate::ssr::redirect_to(&format!(
        "{}?watch={}&actions={}",
        crate::paths::project(&id),
        created.server.id,
        actions.join(",")
    ));
    Ok(())
}

/// The combined progress of up to ten of the project's actions.
#[server(prefix = "/api", endpoint = "read_provisioning_progress")]
pub async fn read_provisioning_progress(
    id: String,
    actions: String,
) -> Result<ProvisioningProgress, AppError> {
    use domain::hetzner::ActionStatus;
    let (user, state) = crate::ssr::user_and_state().await?;
    let ids: Vec<i64> = actions
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .take(10)
        .collect();
    if ids.is_empty() {
        return Err(AppError::BadRequest);
    }
    let actions = state.provisioning.actions(&user.id, &id, &ids).await?;
    let failed = actions
        .iter()
        .find(|a| a.status == ActionStatus::Error)
        .map(|a| {
            a.error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| format!("{} failed", a.command))
        });
    let total: i64 = actions.iter().map(|a| a.progress.clamp(0, 100)).sum();
    Ok(ProvisioningProgress {
        percent: total / i64::try_from(actions.len().max(1)).unwrap_or(1),
        done: !actions.is_empty() && actions.iter().all(|a| a.status == ActionStatus::Success),
        failed,
    })
}

#[server(prefix = "/api", endpoint = "delete_server")]
pub async fn delete_server(
    id: String,
    server_id: i64,
    confirm_name: String,
) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state
        .provisioning
        .delete_server(&user.id, &id, server_id, &confirm_name)
        .await?;
    crate::ssr::redirect_to(&format!(
        "{}?deleted={}",
        crate::paths::project(&id),
        crate::paths::encode_component(confirm_name.trim())
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "list_ssh_keys")]
pub async fn list_ssh_keys(id: String) -> Result<Vec<SshKeySummary>, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let keys = state.provisioning.ssh_keys(&user.id, &id).await?;
    Ok(keys
        .into_iter()
        .map(|k| convert::ssh_key(k, connection.ssh_key_id))
        .collect())
}

/// Adds a key; answers with a note when the fingerprint was already there.
#[server(prefix = "/api", endpoint = "add_ssh_key")]
pub async fn add_ssh_key(
    id: String,
    name: String,
    public_key: String,
) -> Result<Option<String>, AppError> {
    use domain::provisioning::AddedKey;
    let (user, state) = crate::ssr::user_and_state().await?;
    let added = state
        .provisioning
        .add_ssh_key(&user.id, &id, &name, &public_key)
        .await?;
    Ok(match added {
        AddedKey::Created(_) => None,
        AddedKey::AlreadyThere(key) => Some(format!(
            "This key is already in the project as \u{201c}{}\u{201d} ({}).",
            key.name, key.fingerprint
        )),
    })
}

#[server(prefix = "/api", endpoint = "delete_ssh_key")]
pub async fn delete_ssh_key(id: String, key_id: i64) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state
        .provisioning
        .delete_ssh_key(&user.id, &id, key_id)
        .await?;
    Ok(())
}
