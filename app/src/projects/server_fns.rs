//! The project page's server functions: servers, the create form's choices,
//! creation progress, deletion and SSH keys.

use leptos::prelude::*;

use model::provisioning::{CreateServerChoices, Progress, SshKey};

use super::ProjectOverview;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "load_project", output = crate::wire::TextJson)]
pub async fn load_project(id: String) -> Result<ProjectOverview, AppError> {
    let id = model::ConnectionId::new(id);
    use crate::connections::server_fns::provider_of;
    use crate::connections::ConnectionStatus;
    let (user, state) = crate::ssr::user_and_state().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let mut overview = ProjectOverview {
        provider: provider_of(&connection.provider)?,
        status: connection.status,
        label: connection.label,
        connection_id: id.to_string(),
        servers: Vec::new(),
    };
    if overview.status == ConnectionStatus::Connected {
        match state.provisioning.servers(&user.id, &id).await {
            Ok(servers) => overview.servers = servers,
            // Access was just refused, here or by a concurrent request (the
            // create form's menus load alongside): show the project as needing attention.
            Err(
                domain::DomainError::Refused(domain::Refusal::TokenRejected)
                | domain::DomainError::Refused(domain::Refusal::HetznerNeedsAttention)
                | domain::DomainError::Refused(domain::Refusal::DigitalOceanAccessLost),
            ) => overview.status = ConnectionStatus::NeedsAttention,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(overview)
}

#[server(prefix = "/api", endpoint = "load_create_server_choices", output = crate::wire::TextJson)]
pub async fn load_create_server_choices(id: String) -> Result<CreateServerChoices, AppError> {
    let id = model::ConnectionId::new(id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let (mut catalogue, keys) = tokio::try_join!(
        state.provisioning.catalogue(&user.id, &id),
        state.provisioning.ssh_keys(&user.id, &id)
    )?;
    // The connection's snapshots after the system images; the form without
    // them when they cannot be read now.
    match state
        .provisioning
        .snapshot_images(&user.id, &id, None)
        .await
    {
        Ok(snapshots) => catalogue.images.extend(snapshots),
        Err(err) => tracing::warn!(error = %err, "snapshots not offered"),
    }
    Ok(CreateServerChoices {
        catalogue,
        ssh_keys: keys,
    })
}

/// Sends the create request; a plain form post then follows its progress.
#[server(prefix = "/api", endpoint = "create_server", output = crate::wire::TextJson)]
pub async fn create_server(
    id: String,
    name: String,
    location: String,
    server_type: String,
    image: i64,
    #[server(default)] ssh_keys: Vec<i64>,
) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let new = domain::provisioning::NewServer {
        name: name.clone(),
        location,
        size: server_type,
        image,
        ssh_keys,
    };
    let created = state.provisioning.create_server(&user.id, &id, new).await;
    let server_id = created
        .as_ref()
        .map(|c| c.value.server_id.to_string())
        .unwrap_or_default();
    let name = name.to_ascii_lowercase();
    let resource = (server_id, name.as_str());
    crate::ssr::cloud_changes::record(
        &state,
        &user.id,
        &id,
        domain::activity::Action::ServerCreated,
        resource,
        &created,
    )
    .await;
    let created = created?.value;
    let actions: Vec<String> = created.actions.iter().map(i64::to_string).collect();
    crate::ssr::redirect_to(&format!(
        "{}?watch={}&actions={}",
        crate::paths::project(id.as_str()),
        created.server_id,
        actions.join(",")
    ));
    Ok(())
}

/// The combined progress of up to ten of the project's actions.
#[server(prefix = "/api", endpoint = "read_provisioning_progress", output = crate::wire::TextJson)]
pub async fn read_provisioning_progress(id: String, actions: String) -> Result<Progress, AppError> {
    let id = model::ConnectionId::new(id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let ids: Vec<i64> = actions
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .take(10)
        .collect();
    if ids.is_empty() {
        return Err(AppError(crate::error::Refusal::BadRequest));
    }
    Ok(state.provisioning.progress(&user.id, &id, &ids).await?)
}

#[server(prefix = "/api", endpoint = "delete_server", output = crate::wire::TextJson)]
pub async fn delete_server(
    id: String,
    server_id: i64,
    confirm_name: String,
    #[server(default)] snapshot_first: bool,
) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    let server_id = model::ServerId::new(server_id);
    if snapshot_first {
        let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
        domain::provisioning::Provisioning::check_delete(&server, &confirm_name)?;
        let step = domain::safety_net::RiskyStep::Delete;
        return crate::ssr::cloud_changes::after_a_snapshot(&state, &user.id, &id, &server, step)
            .await;
    }
    let (user, state) = crate::ssr::user_and_state().await?;
    let deleted = state
        .provisioning
        .delete_server(&user.id, &id, server_id, &confirm_name)
        .await;
    let resource = (server_id.to_string(), confirm_name.as_str());
    crate::ssr::cloud_changes::record(
        &state,
        &user.id,
        &id,
        domain::activity::Action::ServerDeleted,
        resource,
        &deleted,
    )
    .await;
    deleted?;
    crate::ssr::redirect_to(&format!(
        "{}?deleted={}",
        crate::paths::project(id.as_str()),
        crate::paths::encode_component(confirm_name.trim())
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "list_ssh_keys", output = crate::wire::TextJson)]
pub async fn list_ssh_keys(id: String) -> Result<Vec<SshKey>, AppError> {
    let id = model::ConnectionId::new(id);
    let (user, state) = crate::ssr::user_and_state().await?;
    Ok(state.provisioning.ssh_keys(&user.id, &id).await?)
}

/// Adds a key; answers with a note when the fingerprint was already there.
#[server(prefix = "/api", endpoint = "add_ssh_key", output = crate::wire::TextJson)]
pub async fn add_ssh_key(
    id: String,
    name: String,
    public_key: String,
) -> Result<Option<String>, AppError> {
    let id = model::ConnectionId::new(id);
    use domain::provisioning::AddedKey;
    let (user, state) = crate::ssr::user_and_state().await?;
    let added = state
        .provisioning
        .add_ssh_key(&user.id, &id, &name, &public_key)
        .await;
    // A key already there changed nothing.
    if !matches!(&added, Ok(changed) if matches!(changed.value, AddedKey::AlreadyThere(_))) {
        let key_id = match &added {
            Ok(changed) => match &changed.value {
                AddedKey::Created(key) | AddedKey::AlreadyThere(key) => key.id.to_string(),
            },
            Err(_) => String::new(),
        };
        let resource = (key_id, name.as_str());
        crate::ssr::cloud_changes::record(
            &state,
            &user.id,
            &id,
            domain::activity::Action::SshKeyAdded,
            resource,
            &added,
        )
        .await;
    }
    Ok(match added?.value {
        AddedKey::Created(_) => None,
        AddedKey::AlreadyThere(key) => Some(format!(
            "This key is already in the project as \u{201c}{}\u{201d} ({}).",
            key.name, key.fingerprint
        )),
    })
}

#[server(prefix = "/api", endpoint = "delete_ssh_key", output = crate::wire::TextJson)]
pub async fn delete_ssh_key(id: String, key_id: i64) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let deleted = state
        .provisioning
        .delete_ssh_key(&user.id, &id, key_id)
        .await;
    let resource = (key_id.to_string(), "");
    crate::ssr::cloud_changes::record(
        &state,
        &user.id,
        &id,
        domain::activity::Action::SshKeyRemoved,
        resource,
        &deleted,
    )
    .await;
    deleted?;
    Ok(())
}

/// The connection's snapshots, for its Snapshots page.
#[server(prefix = "/api", endpoint = "list_snapshots", output = crate::wire::TextJson)]
pub async fn list_snapshots(id: String) -> Result<super::SnapshotList, AppError> {
    let id = model::ConnectionId::new(id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let snapshots = state.provisioning.all_snapshots(&user.id, &id).await?;
    let currency = state
        .provisioning
        .catalogue(&user.id, &id)
        .await
        .map(|catalogue| catalogue.currency)
        .ok();
    let ask_again = crate::ssr::asked_again_for(&state, &user).await?;
    Ok(super::SnapshotList {
        snapshots,
        currency,
        ask_again,
    })
}

/// Deletes one of a server's snapshots, or with no `server_id` any of the
/// connection's, after asking again (its name, then a recent second factor
/// or the password); a plain form post then goes back to the page it came
/// from.
#[server(prefix = "/api", endpoint = "delete_snapshot", output = crate::wire::TextJson)]
pub async fn delete_snapshot(
    id: String,
    server_id: Option<i64>,
    snapshot_id: i64,
    name: Option<String>,
    password: Option<String>,
    code: Option<String>,
) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        server_id.map(model::ServerId::new),
    );
    let (user, state) = crate::ssr::user_and_state().await?;
    let snapshots = match server_id {
        Some(server_id) => {
            state
                .provisioning
                .snapshots(&user.id, &id, server_id)
                .await?
        }
        None => state.provisioning.all_snapshots(&user.id, &id).await?,
    };
    let snapshot_name = snapshots
        .iter()
        .find(|snapshot| snapshot.id == snapshot_id)
        .map(|snapshot| snapshot.name.clone())
        .ok_or_else(|| {
            let snapshot = vec!["snapshot".to_string()];
            AppError(crate::error::Refusal::InvalidServerRequest(snapshot))
        })?;
    let typed = name.as_deref();
    crate::ssr::confirm_destructive(&state, &user, &snapshot_name, typed, password, code).await?;
    let deleted = state
        .provisioning
        .delete_snapshot(
            &user.id,
            &id,
            &snapshots,
            snapshot_id,
            typed.unwrap_or_default(),
        )
        .await;
    let action = domain::activity::Action::SnapshotDeleted;
    let resource = (snapshot_id.to_string(), snapshot_name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &deleted).await;
    deleted?;
    crate::ssr::redirect_to(&match server_id {
        Some(server_id) => crate::paths::server(id.as_str(), server_id),
        None => crate::paths::project_snapshots(id.as_str()),
    });
    Ok(())
}
