//! The actions on one server: power, reverse DNS, protection, backups,
//! rename and resize, each checked here before its provider is asked.

use super::provisioner::{on_provider, Opened, Provisioner};
use super::{
    Catalogue, Changed, Image, PowerAction, Provisioning, Refused, Server, ServerDetails, Size,
    Snapshot, Started,
};
use crate::error::{DomainError, Refusal};
use model::{ConnectionId, UserId};

impl Provisioning {
    /// Starts `action` on `server` (as [`Self::server`] read it), if its
    /// status allows it; answers the provider's action ids to follow.
    pub async fn power(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        action: PowerAction,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        if !action.allowed_when(&server.status) {
            return Err(DomainError::Refused(Refusal::ServerStateDoesNotAllow).into());
        }
        on_provider!(self.open(user_id, id).await?, |p| p
            .power(server.id, action)
            .await)
    }

    /// Sets the reverse DNS of `ip`, one of `server`'s addresses (as
    /// [`Self::server`] read it), to `name`; an empty name resets it.
    pub async fn set_reverse_dns(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        ip: &str,
        name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let ip = ip.trim();
        if Some(ip) != server.ipv4.as_deref() && Some(ip) != server.ipv6.as_deref() {
            return Err(DomainError::Refused(Refusal::BadRequest).into());
        }
        let name = Some(name.trim()).filter(|name| !name.is_empty());
        if name.is_some_and(|name| !model::limits::is_valid_server_name(name)) {
            return Err(DomainError::Refused(Refusal::InvalidReverseDns).into());
        }
        on_provider!(self.open(user_id, id).await?, |p| p
            .set_reverse_dns(server.id, ip, name)
            .await)
    }

    /// Turns `server`'s protection on or off. Off, it must be named again
    /// (`typed_name`), as every step that takes a safety net away.
    pub async fn set_protection(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        on: bool,
        typed_name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        if !on {
            named_again(typed_name, &server.name)?;
        }
        let changed = on_provider!(self.open(user_id, id).await?, |p| p
            .set_protection(server.id, on)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(changed)
    }

    /// Renames a server to `name`, once it is a valid host name.
    pub async fn rename(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: model::ServerId,
        name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let name = name.trim();
        if !model::limits::is_valid_server_name(name) {
            return Err(DomainError::Refused(Refusal::InvalidServerName).into());
        }
        let renamed = on_provider!(self.open(user_id, id).await?, |p| p
            .rename(server_id, name)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(renamed)
    }

    /// Turns `server`'s automatic backups on or off. Off deletes the
    /// backups there are at once, so it must be named again (`typed_name`).
    pub async fn set_backups(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        on: bool,
        typed_name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        if !on {
            named_again(typed_name, &server.name)?;
        }
        let changed = on_provider!(self.open(user_id, id).await?, |p| p
            .set_backups(server.id, on)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(changed)
    }

    /// Changes a stopped server's type or size to `size`, one sold in its
    /// location, built for the same architecture, whose disk holds the
    /// server's disk now.
    pub async fn resize(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        details: &ServerDetails,
        size: &str,
        grow_disk: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let target = self.check_resize(user_id, id, details, size).await?;
        let changed = on_provider!(self.open(user_id, id).await?, |p| p
            .resize(details.server.id, &target, grow_disk)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(changed)
    }
}

impl Provisioning {
    /// Whether `details`' server can change to `size` now, as
    /// [`Self::resize`] says; answers the size's name.
    pub async fn check_resize(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        details: &ServerDetails,
        size: &str,
    ) -> Result<String, Refused> {
        if details.server.status != "off" {
            return Err(DomainError::Refused(Refusal::ServerStateDoesNotAllow).into());
        }
        let catalogue = self.catalogue(user_id, id).await?;
        Ok(resize_target(&catalogue, details, size.trim())?
            .name
            .clone())
    }

    /// Whether `server` can be deleted once named `typed_name`: checked
    /// here before a safety net is taken; the provider checks again.
    pub fn check_delete(server: &Server, typed_name: &str) -> Result<(), Refused> {
        named_again(typed_name, &server.name)?;
        if server.delete_protected {
            return Err(DomainError::Refused(Refusal::ServerProtected).into());
        }
        Ok(())
    }

    /// Whether `details`' server can be rebuilt from `image` once named
    /// `typed_name`, as [`Self::rebuild`] says.
    pub async fn check_rebuild(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        details: &ServerDetails,
        image: i64,
        typed_name: &str,
    ) -> Result<(), Refused> {
        let server = &details.server;
        named_again(typed_name, &server.name)?;
        let catalogue = self.catalogue(user_id, id).await?;
        let offered = rebuild_images(&catalogue, details).any(|i| i.id == image)
            || self
                .snapshots(user_id, id, server.id)
                .await?
                .iter()
                .any(|snapshot| snapshot.id == image && !snapshot.creating);
        if offered {
            Ok(())
        } else {
            let invalid = Refusal::InvalidServerRequest(vec!["image".into()]);
            Err(DomainError::Refused(invalid).into())
        }
    }

    /// Rebuilds `details`' server from `image`, one the catalogue offers for
    /// its architecture and location or one of its own snapshots (a
    /// restore), once its name is typed again: its
    /// disk is destroyed. Answers the actions to follow, and any root
    /// password the provider set.
    pub async fn rebuild(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        details: &ServerDetails,
        image: i64,
        typed_name: &str,
    ) -> Result<Changed<Started>, Refused> {
        self.check_rebuild(user_id, id, details, image, typed_name)
            .await?;
        let rebuilt = on_provider!(self.open(user_id, id).await?, |p| p
            .rebuild(details.server.id, image)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(rebuilt)
    }

    /// Turns `server`'s rescue system on (restarting it into it) or off.
    pub async fn set_rescue(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        on: bool,
    ) -> Result<Changed<Started>, Refused> {
        let ready = matches!(server.status.as_str(), "running" | "off");
        if on && !ready {
            return Err(DomainError::Refused(Refusal::ServerStateDoesNotAllow).into());
        }
        on_provider!(self.open(user_id, id).await?, |p| p
            .set_rescue(server, on)
            .await)
    }

    /// The images `details`' server can be rebuilt from: its own finished
    /// `snapshots` first (a restore), then the catalogue's system images
    /// (none when the catalogue cannot be read now).
    pub async fn rebuild_choices(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        details: &ServerDetails,
        snapshots: &[Snapshot],
    ) -> Vec<Image> {
        let restores = snapshots.iter().filter(|s| !s.creating).map(|s| Image {
            id: s.id,
            description: format!("Snapshot: {}", s.name),
            architecture: String::new(),
            locations: None,
        });
        let systems: Vec<Image> = match self.catalogue(user_id, id).await {
            Ok(catalogue) => rebuild_images(&catalogue, details).cloned().collect(),
            Err(_) => Vec::new(),
        };
        restores.chain(systems).collect()
    }

    /// The types or sizes `details`' server can change to, cheapest first,
    /// each with its price in the server's location alone; none when the
    /// catalogue cannot be read now.
    pub async fn resize_choices(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        details: &ServerDetails,
    ) -> Vec<Size> {
        let Ok(catalogue) = self.catalogue(user_id, id).await else {
            return Vec::new();
        };
        let location = &details.server.location;
        let mut choices: Vec<Size> = catalogue
            .sizes
            .iter()
            .filter(|size| resize_target(&catalogue, details, &size.name).is_ok())
            .map(|size| {
                let mut size = size.clone();
                size.prices.retain(|price| &price.location == location);
                size
            })
            .collect();
        let price = |size: &Size| size.price_in(location).unwrap_or(f64::MAX);
        choices.sort_by(|a, b| price(a).total_cmp(&price(b)));
        choices
    }
}

/// A step that destroys or takes a safety net away goes on only once what
/// it acts on is named again.
pub(super) fn named_again(typed_name: &str, name: &str) -> Result<(), Refused> {
    if typed_name.trim() == name {
        Ok(())
    } else {
        Err(DomainError::Refused(Refusal::ConfirmationMismatch).into())
    }
}

/// The catalogue's images for `details`' server: built for its type's
/// architecture and offered where it is.
fn rebuild_images<'c>(
    catalogue: &'c Catalogue,
    details: &ServerDetails,
) -> impl Iterator<Item = &'c Image> {
    let server = &details.server;
    let architecture = catalogue
        .sizes
        .iter()
        .find(|s| s.name == server.size)
        .map(|s| s.architecture.clone());
    let location = server.location.clone();
    catalogue.images.iter().filter(move |image| {
        architecture
            .as_ref()
            .is_none_or(|a| *a == image.architecture)
            && image.usable_in(&location)
    })
}

/// The size `size` if `details`' server can change to it, as
/// [`Provisioning::resize`] says.
fn resize_target<'c>(
    catalogue: &'c Catalogue,
    details: &ServerDetails,
    size: &str,
) -> Result<&'c Size, DomainError> {
    let server = &details.server;
    let invalid =
        || DomainError::Refused(Refusal::InvalidServerRequest(vec!["server_type".into()]));
    let target = catalogue
        .sizes
        .iter()
        .find(|s| s.name == size && s.name != server.size)
        .ok_or_else(invalid)?;
    if !target.sold_in(&server.location) {
        return Err(DomainError::Refused(Refusal::ServerTypeUnavailable(
            target.prices.iter().map(|p| p.location.clone()).collect(),
        )));
    }
    let current = catalogue.sizes.iter().find(|s| s.name == server.size);
    let same_architecture = current.is_none_or(|c| c.architecture == target.architecture);
    if !same_architecture || target.disk_gb < details.disk_gb {
        return Err(invalid());
    }
    Ok(target)
}
