//! The provisioning interface implemented for a DigitalOcean team.

use crate::error::Refusal;

use super::answers::{catalogue, server_details, server_info};
use super::team::{provisioning_failure, refused, DigitalOceanTeam, MAX_FOLLOWED_ACTIONS};
use crate::error::DomainError;
use crate::providers::digitalocean::{ActionStatus, NewDroplet, POTIONS_TAG};
use crate::provisioning::{
    AddedKey, Catalogue, Changed, CreatedServer, NewServer, PowerAction, Progress, Provisioner,
    Refused, Server, ServerDetails, Snapshot, SshKey, Started,
};
use model::snapshots::Origin;

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

    async fn power(
        &self,
        server_id: model::ServerId,
        action: PowerAction,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let kind = match action {
            PowerAction::PowerOn => "power_on",
            PowerAction::ShutDown => "shutdown",
            PowerAction::PowerOff => "power_off",
            PowerAction::Reboot => "reboot",
            PowerAction::Reset => "power_cycle",
        };
        self.droplet_action(server_id, serde_json::json!({ "type": kind }))
            .await
    }

    /// DigitalOcean names a droplet's reverse DNS after the droplet.
    async fn set_reverse_dns(
        &self,
        _: model::ServerId,
        _: &str,
        _: Option<&str>,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        Err(DomainError::Refused(Refusal::ReverseDnsFollowsName).into())
    }

    /// DigitalOcean has no protection for droplets; the page says so and
    /// offers nothing to call this.
    async fn set_protection(
        &self,
        _: model::ServerId,
        _: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        Err(DomainError::Refused(Refusal::BadRequest).into())
    }

    /// Weekly backups kept four weeks, for 20 % of the droplet's price
    /// (DigitalOcean's default plan, daily, costs 30 %).
    async fn set_backups(
        &self,
        server_id: model::ServerId,
        on: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = if on {
            let policy = serde_json::json!({ "plan": "weekly", "weekday": "SUN", "hour": 0 });
            serde_json::json!({ "type": "enable_backups", "backup_policy": policy })
        } else {
            serde_json::json!({ "type": "disable_backups" })
        };
        self.droplet_action(server_id, body).await
    }

    async fn resize(
        &self,
        server_id: model::ServerId,
        size: &str,
        grow_disk: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({ "type": "resize", "size": size, "disk": grow_disk });
        self.droplet_action(server_id, body).await
    }

    async fn snapshots(&self, server_id: model::ServerId) -> Result<Vec<Snapshot>, DomainError> {
        self.droplet_snapshots(server_id).await
    }

    async fn all_snapshots(&self) -> Result<Vec<Snapshot>, DomainError> {
        self.team_snapshots().await
    }

    async fn take_snapshot(
        &self,
        server: &Server,
        name: &str,
        origin: &Origin,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        self.snapshot_droplet(server, name, origin).await
    }

    async fn delete_snapshot(&self, snapshot_id: i64) -> Result<Changed<()>, Refused> {
        self.delete_droplet_snapshot(snapshot_id).await
    }

    /// DigitalOcean has no rescue system through its API (its Recovery
    /// Console is in the control panel); the page says so and offers nothing.
    async fn set_rescue(&self, _: &Server, _: bool) -> Result<Changed<Started>, Refused> {
        Err(DomainError::Refused(Refusal::BadRequest).into())
    }

    async fn rebuild(
        &self,
        server_id: model::ServerId,
        image: i64,
    ) -> Result<Changed<Started>, Refused> {
        let body = serde_json::json!({ "type": "rebuild", "image": image });
        let changed = self.droplet_action(server_id, body).await?;
        let rebuilt = Started {
            actions: changed.value,
            root_password: None,
        };
        Ok(Changed::new(rebuilt, changed.provider_request_id))
    }

    async fn rename(
        &self,
        server_id: model::ServerId,
        name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({ "type": "rename", "name": name });
        self.droplet_action(server_id, body).await
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
