//! A server's page's server functions: the server in full, and the actions
//! on it (power, rename, reverse DNS, protection, backups, resize,
//! rebuild, rescue), each recorded in the activity log.

use leptos::prelude::*;

use model::provisioning::PowerAction;

use super::ServerOverview;
use crate::error::AppError;

/// One server of the project in full, for its page.
#[server(prefix = "/api", endpoint = "load_server", output = crate::wire::TextJson)]
pub async fn load_server(id: String, server_id: i64) -> Result<ServerOverview, AppError> {
    let id = model::ConnectionId::new(id);
    let server_id = model::ServerId::new(server_id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let details = state.provisioning.server(&user.id, &id, server_id).await?;
    let ask_again = crate::ssr::asked_again_for(&state, &user).await?;
    let resize_choices = state
        .provisioning
        .resize_choices(&user.id, &id, &details)
        .await;
    let snapshots = state
        .provisioning
        .snapshots(&user.id, &id, server_id)
        .await
        .inspect_err(|err| tracing::warn!(error = %err, "snapshots not read"))
        .ok();
    let schedule = state.schedules.get(&user.id, &id, server_id).await?;
    let safety_net = state.safety_nets.note_for(&user.id, &id, server_id).await?;
    let rebuild_choices = state
        .provisioning
        .rebuild_choices(
            &user.id,
            &id,
            &details,
            snapshots.as_deref().unwrap_or_default(),
        )
        .await;
    Ok(ServerOverview {
        provider: crate::connections::server_fns::provider_of(&connection.provider)?,
        label: connection.label,
        connection_id: id.to_string(),
        details,
        resize_choices,
        snapshots,
        rebuild_choices,
        schedule,
        safety_net,
        ask_again,
    })
}

/// Starts a power action on a server whose status allows it; a plain form
/// post then follows it on the server's page.
#[server(prefix = "/api", endpoint = "power_server", output = crate::wire::TextJson)]
pub async fn power_server(id: String, server_id: i64, action: PowerAction) -> Result<(), AppError> {
    use domain::activity::Action;
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    let started = state
        .provisioning
        .power(&user.id, &id, &server, action)
        .await;
    let recorded = match action {
        PowerAction::PowerOn => Action::ServerPoweredOn,
        PowerAction::ShutDown => Action::ServerShutDown,
        PowerAction::PowerOff => Action::ServerPoweredOff,
        PowerAction::Reboot => Action::ServerRebooted,
        PowerAction::Reset => Action::ServerReset,
    };
    let resource = (server_id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, recorded, resource, &started).await;
    let actions: Vec<String> = started?.value.iter().map(i64::to_string).collect();
    crate::ssr::redirect_to(&format!(
        "{}?power={}&actions={}",
        crate::paths::server(id.as_str(), server_id),
        action.param(),
        actions.join(",")
    ));
    Ok(())
}

/// Renames a server; a plain form post then goes back to its page
/// (following DigitalOcean's `rename` action there).
#[server(prefix = "/api", endpoint = "rename_server", output = crate::wire::TextJson)]
pub async fn rename_server(id: String, server_id: i64, name: String) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    let server_id = model::ServerId::new(server_id);
    let (user, state) = crate::ssr::user_and_state().await?;
    let renamed = state
        .provisioning
        .rename(&user.id, &id, server_id, &name)
        .await;
    let action = domain::activity::Action::ServerRenamed;
    let resource = (server_id.to_string(), name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &renamed).await;
    let actions: Vec<String> = renamed?.value.iter().map(i64::to_string).collect();
    let page = crate::paths::server(id.as_str(), server_id);
    crate::ssr::redirect_to(&if actions.is_empty() {
        page
    } else {
        format!("{page}?renamed=1&actions={}", actions.join(","))
    });
    Ok(())
}

/// Sets (or, empty, resets) the reverse DNS name of one of a server's
/// addresses (Hetzner); a plain form post then goes back to its page.
#[server(prefix = "/api", endpoint = "set_reverse_dns", output = crate::wire::TextJson)]
pub async fn set_reverse_dns(
    id: String,
    server_id: i64,
    ip: String,
    name: String,
) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    let set = state
        .provisioning
        .set_reverse_dns(&user.id, &id, &server, &ip, &name)
        .await;
    let action = domain::activity::Action::ReverseDnsChanged;
    let resource = (server_id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &set).await;
    set?;
    crate::ssr::redirect_to(&crate::paths::server(id.as_str(), server_id));
    Ok(())
}

/// Turns a server's protection on, or off after asking again (its name and
/// the password: a safety net is taken away); a plain form post then goes
/// back to its page.
#[server(prefix = "/api", endpoint = "set_server_protection", output = crate::wire::TextJson)]
pub async fn set_server_protection(
    id: String,
    server_id: i64,
    on: bool,
    name: Option<String>,
    password: Option<String>,
    code: Option<String>,
) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    if !on {
        let typed = name.as_deref();
        crate::ssr::confirm_destructive(&state, &user, &server.name, typed, password, code).await?;
    }
    let typed = name.unwrap_or_default();
    let set = state
        .provisioning
        .set_protection(&user.id, &id, &server, on, &typed)
        .await;
    let action = domain::activity::Action::ServerProtectionChanged;
    let resource = (server_id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &set).await;
    set?;
    crate::ssr::redirect_to(&crate::paths::server(id.as_str(), server_id));
    Ok(())
}

/// Turns a server's backups on, or off after asking again (its name and the
/// password: off deletes the backups there are); a plain form post then
/// goes back to its page.
#[server(prefix = "/api", endpoint = "set_server_backups", output = crate::wire::TextJson)]
pub async fn set_server_backups(
    id: String,
    server_id: i64,
    on: bool,
    name: Option<String>,
    password: Option<String>,
    code: Option<String>,
) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    if !on {
        let typed = name.as_deref();
        crate::ssr::confirm_destructive(&state, &user, &server.name, typed, password, code).await?;
    }
    let typed = name.unwrap_or_default();
    let set = state
        .provisioning
        .set_backups(&user.id, &id, &server, on, &typed)
        .await;
    let action = domain::activity::Action::ServerBackupsChanged;
    let resource = (server_id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &set).await;
    set?;
    crate::ssr::redirect_to(&crate::paths::server(id.as_str(), server_id));
    Ok(())
}

/// Changes a stopped server's type or size, keeping its disk unless
/// `grow_disk` (permanent); a plain form post then follows the change on
/// the server's page.
#[server(prefix = "/api", endpoint = "resize_server", output = crate::wire::TextJson)]
pub async fn resize_server(
    id: String,
    server_id: i64,
    size: String,
    #[server(default)] grow_disk: bool,
    #[server(default)] snapshot_first: bool,
) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state) = crate::ssr::user_and_state().await?;
    let details = state
        .provisioning
        .server_now(&user.id, &id, server_id)
        .await?;
    if snapshot_first {
        let size = state
            .provisioning
            .check_resize(&user.id, &id, &details, &size)
            .await?;
        let step = domain::safety_net::RiskyStep::Resize { size, grow_disk };
        let server = &details.server;
        return crate::ssr::cloud_changes::after_a_snapshot(&state, &user.id, &id, server, step)
            .await;
    }
    let resized = state
        .provisioning
        .resize(&user.id, &id, &details, &size, grow_disk)
        .await;
    let action = domain::activity::Action::ServerResized;
    let resource = (server_id.to_string(), details.server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &resized).await;
    let actions: Vec<String> = resized?.value.iter().map(i64::to_string).collect();
    crate::ssr::redirect_to(&format!(
        "{}?resized=1&actions={}",
        crate::paths::server(id.as_str(), server_id),
        actions.join(",")
    ));
    Ok(())
}

/// Rebuilds a server from an image after asking again (its name, then a
/// recent second factor or the password): its disk is destroyed. The page
/// follows the rebuild. Answers the root password the provider set, if any,
/// for the page to show once; Potions keeps it nowhere, so a plain form post
/// (no JavaScript) is only told that there is one.
#[server(prefix = "/api", endpoint = "rebuild_server", output = crate::wire::TextJson)]
pub async fn rebuild_server(
    id: String,
    server_id: i64,
    image: i64,
    name: Option<String>,
    password: Option<String>,
    code: Option<String>,
    #[server(default)] snapshot_first: bool,
) -> Result<Option<String>, AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state) = crate::ssr::user_and_state().await?;
    let details = state
        .provisioning
        .server_now(&user.id, &id, server_id)
        .await?;
    let (server_name, typed) = (details.server.name.as_str(), name.as_deref());
    crate::ssr::confirm_destructive(&state, &user, server_name, typed, password, code).await?;
    if snapshot_first {
        let typed = typed.unwrap_or_default();
        state
            .provisioning
            .check_rebuild(&user.id, &id, &details, image, typed)
            .await?;
        let step = domain::safety_net::RiskyStep::Rebuild { image };
        let server = &details.server;
        crate::ssr::cloud_changes::after_a_snapshot(&state, &user.id, &id, server, step).await?;
        return Ok(None);
    }
    let rebuilt = state
        .provisioning
        .rebuild(&user.id, &id, &details, image, typed.unwrap_or_default())
        .await;
    let action = domain::activity::Action::ServerRebuilt;
    let resource = (server_id.to_string(), server_name);
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &rebuilt).await;
    let rebuilt = rebuilt?.value;
    let actions: Vec<String> = rebuilt.actions.iter().map(i64::to_string).collect();
    let withheld = if rebuilt.root_password.is_some() {
        "&root_password=withheld"
    } else {
        ""
    };
    crate::ssr::redirect_to(&format!(
        "{}?rebuilt=1&actions={}{withheld}",
        crate::paths::server(id.as_str(), server_id),
        actions.join(",")
    ));
    Ok(rebuilt
        .root_password
        .map(|password| password.expose().to_string()))
}

/// Turns a server's rescue system on, restarting it into it, or off.
/// Answers the rescue system's root password, for the page to show once
/// (kept nowhere; a plain form post is only told there is one).
#[server(prefix = "/api", endpoint = "set_rescue", output = crate::wire::TextJson)]
pub async fn set_rescue(id: String, server_id: i64, on: bool) -> Result<Option<String>, AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    let set = state
        .provisioning
        .set_rescue(&user.id, &id, &server, on)
        .await;
    let action = domain::activity::Action::ServerRescueChanged;
    let resource = (server_id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &set).await;
    let started = set?.value;
    let page = crate::paths::server(id.as_str(), server_id);
    let actions: Vec<String> = started.actions.iter().map(i64::to_string).collect();
    crate::ssr::redirect_to(&match (&started.root_password, on) {
        (Some(_), _) => format!(
            "{page}?rescue=1&actions={}&rescue_password=withheld",
            actions.join(",")
        ),
        (None, true) => format!("{page}?rescue=1&actions={}", actions.join(",")),
        (None, false) => page,
    });
    Ok(started
        .root_password
        .map(|password| password.expose().to_string()))
}
