//! The provisioning interface implemented for a Hetzner Cloud project.

use crate::error::Refusal;
use std::collections::BTreeMap;
use std::time::Duration;

use super::answers::{catalogue, server_details, server_info};
use super::project::HetznerProject;
use crate::connections::managed_labels;
use crate::error::DomainError;
use crate::providers::hetzner::{self, ActionStatus, ErrorKind, HetznerError, ListParams};
use crate::provisioning::{
    AddedKey, Catalogue, Changed, CreatedServer, NewServer, PowerAction, Progress, Provisioner,
    Refused, Server, ServerDetails, Snapshot, SshKey, Started,
};

/// How often, and how long at most, the rescue system's setting is awaited
/// before the restart into it (Hetzner sets it in seconds).
const RESCUE_POLL: Duration = Duration::from_millis(500);
const RESCUE_WAIT: Duration = Duration::from_secs(20);

impl Provisioner for HetznerProject<'_> {
    async fn servers(&self) -> Result<Vec<Server>, DomainError> {
        match self
            .client()
            .all_servers(&self.token, &ListParams::default())
            .await
        {
            Ok(answer) => Ok(answer.value.into_iter().map(server_info).collect()),
            Err(err) => Err(self.fail(err).await),
        }
    }

    async fn load_catalogue(&self) -> Result<Catalogue, DomainError> {
        let client = self.client();
        let (locations, types, images, pricing) = futures::join!(
            client.locations(&self.token),
            client.server_types(&self.token),
            client.system_images(&self.token, None),
            client.pricing(&self.token)
        );
        // Without the snapshot price the catalogue is still whole.
        let snapshot_price = pricing
            .ok()
            .and_then(|p| p.value.image.price_per_gb_month.gross.parse::<f64>().ok());
        match (locations, types, images) {
            (Ok(l), Ok(t), Ok(i)) => Ok(catalogue(l.value, t.value, i.value, snapshot_price)),
            (l, t, i) => {
                let err = [l.err(), t.err(), i.err()].into_iter().flatten().next();
                Err(match err {
                    Some(err) => self.fail(err).await,
                    None => DomainError::Refused(Refusal::HetznerUnreachable),
                })
            }
        }
    }

    async fn create_server(&self, new: NewServer) -> Result<Changed<CreatedServer>, Refused> {
        let potions_key = self.connection.ssh_key_id;
        let mut ssh_keys = vec![potions_key];
        ssh_keys.extend(new.ssh_keys.iter().copied().filter(|k| *k != potions_key));
        let request = hetzner::CreateServer {
            name: new.name,
            server_type: new.size,
            image: new.image.to_string(),
            location: new.location,
            ssh_keys,
            labels: managed_labels(),
            start_after_create: true,
        };
        let client = self.client();
        let created = match client.create_server(&self.token, &request).await {
            Ok(created) => created,
            // The Potions key was deleted from the project: add it again, once.
            Err(err) if err.kind.names_field_of_invalid_input("ssh_keys") => {
                let key_id = self
                    .provisioning
                    .connections
                    .restore_project_key(self.user_id, &self.connection.id, &self.token)
                    .await?;
                let mut retry = request.clone();
                retry.ssh_keys[0] = key_id;
                match client.create_server(&self.token, &retry).await {
                    Ok(created) => created,
                    Err(err) => return Err(self.refuse(err).await),
                }
            }
            Err(err) => return Err(self.refuse(err).await),
        };
        let server = CreatedServer {
            server_id: model::ServerId::new(created.value.server.id),
            actions: std::iter::once(&created.value.action)
                .chain(&created.value.next_actions)
                .map(|a| a.id)
                .collect(),
        };
        Ok(Changed::new(server, created.correlation_id))
    }

    async fn progress(&self, actions: &[i64]) -> Result<Progress, DomainError> {
        let actions = match self.client().get_actions(&self.token, actions).await {
            Ok(answer) => answer.value,
            Err(err) => return Err(self.fail(err).await),
        };
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
        Ok(Progress {
            percent: Some(total / i64::try_from(actions.len().max(1)).unwrap_or(1)),
            done: !actions.is_empty() && actions.iter().all(|a| a.status == ActionStatus::Success),
            failed,
        })
    }

    async fn delete_server(
        &self,
        server_id: model::ServerId,
        confirm_name: &str,
    ) -> Result<Changed<()>, Refused> {
        let client = self.client();
        let server = match client.get_server(&self.token, server_id.get()).await {
            Ok(answer) => answer.value,
            Err(err) => return Err(self.refuse(err).await),
        };
        if server.name != confirm_name {
            return Err(DomainError::Refused(Refusal::ConfirmationMismatch).into());
        }
        if server.protection.delete {
            return Err(DomainError::Refused(Refusal::ServerProtected).into());
        }
        match client.delete_server(&self.token, server_id.get()).await {
            Ok(answer) => Ok(Changed::new((), answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
    }

    async fn ssh_keys(&self) -> Result<Vec<SshKey>, DomainError> {
        match self.client().all_ssh_keys(&self.token).await {
            Ok(answer) => Ok(answer.value.into_iter().map(|k| self.key_info(k)).collect()),
            Err(err) => Err(self.fail(err).await),
        }
    }

    async fn add_ssh_key(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Changed<AddedKey>, Refused> {
        let client = self.client();
        let existing = || async {
            let params = ListParams {
                fingerprint: Some(fingerprint.to_string()),
                ..ListParams::default()
            };
            client.list_ssh_keys(&self.token, &params).await.map(|a| {
                let found = a.value.items.into_iter().next().map(|k| self.key_info(k));
                found.map(|key| Changed::new(AddedKey::AlreadyThere(key), a.correlation_id))
            })
        };
        match existing().await {
            Ok(Some(found)) => return Ok(found),
            Ok(None) => {}
            Err(err) => return Err(self.refuse(err).await),
        }
        match client
            .create_ssh_key(&self.token, name, public_key, &BTreeMap::new())
            .await
        {
            Ok(created) => Ok(Changed::new(
                AddedKey::Created(self.key_info(created.value)),
                created.correlation_id,
            )),
            Err(err) if matches!(&err.kind, ErrorKind::Uniqueness { fields } if fields.iter().any(|f| f == "name")) => {
                Err(Refused::by_provider(
                    DomainError::Refused(Refusal::KeyNameTaken),
                    err.correlation_id,
                ))
            }
            Err(err) if matches!(err.kind, ErrorKind::Uniqueness { .. }) => {
                match existing().await {
                    Ok(Some(found)) => Ok(found),
                    Ok(None) => Err(Refused::by_provider(
                        DomainError::Refused(Refusal::KeyNameTaken),
                        err.correlation_id,
                    )),
                    Err(err) => Err(self.refuse(err).await),
                }
            }
            Err(err) => Err(self.refuse(err).await),
        }
    }

    async fn power(
        &self,
        server_id: model::ServerId,
        action: PowerAction,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let command = match action {
            PowerAction::PowerOn => "poweron",
            PowerAction::ShutDown => "shutdown",
            PowerAction::PowerOff => "poweroff",
            PowerAction::Reboot => "reboot",
            PowerAction::Reset => "reset",
        };
        self.change_setting(server_id, command, None).await
    }

    async fn set_reverse_dns(
        &self,
        server_id: model::ServerId,
        ip: &str,
        name: Option<&str>,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({ "ip": ip, "dns_ptr": name });
        self.change_setting(server_id, "change_dns_ptr", Some(&body))
            .await
    }

    async fn set_protection(
        &self,
        server_id: model::ServerId,
        on: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({ "delete": on, "rebuild": on });
        self.change_setting(server_id, "change_protection", Some(&body))
            .await
    }

    /// Daily backups in seven slots, for 20 % of the server's price; off
    /// deletes them at once.
    async fn set_backups(
        &self,
        server_id: model::ServerId,
        on: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let command = if on {
            "enable_backup"
        } else {
            "disable_backup"
        };
        self.change_setting(server_id, command, None).await
    }

    async fn resize(
        &self,
        server_id: model::ServerId,
        size: &str,
        grow_disk: bool,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({ "server_type": size, "upgrade_disk": grow_disk });
        self.change_setting(server_id, "change_type", Some(&body))
            .await
    }

    async fn snapshots(&self, server_id: model::ServerId) -> Result<Vec<Snapshot>, DomainError> {
        self.project_snapshots(Some(server_id)).await
    }

    async fn all_snapshots(&self) -> Result<Vec<Snapshot>, DomainError> {
        self.project_snapshots(None).await
    }

    async fn take_snapshot(
        &self,
        server: &Server,
        name: &str,
        origin: &model::snapshots::Origin,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        self.create_snapshot(server, name, origin).await
    }

    async fn delete_snapshot(&self, snapshot_id: i64) -> Result<Changed<()>, Refused> {
        self.delete_snapshot_image(snapshot_id).await
    }

    /// On: the rescue system with the Potions key, then a restart into it
    /// (a start, if off). A restart that cannot follow leaves rescue on,
    /// which the page shows, for the next start.
    async fn set_rescue(&self, server: &Server, on: bool) -> Result<Changed<Started>, Refused> {
        if !on {
            let changed = self
                .change_setting(server.id, "disable_rescue", None)
                .await?;
            let started = Started {
                actions: changed.value,
                root_password: None,
            };
            return Ok(Changed::new(started, changed.provider_request_id));
        }
        let client = self.client();
        let keys = [self.connection.ssh_key_id];
        let enabled = match client
            .enable_rescue(&self.token, server.id.get(), &keys)
            .await
        {
            Ok(answer) => answer,
            Err(err) => return Err(self.refuse(err).await),
        };
        let mut actions = vec![enabled.value.action.id];
        let restart = if server.status == "off" {
            "poweron"
        } else {
            "reboot"
        };
        let (poll, wait) = (RESCUE_POLL, RESCUE_WAIT);
        let set = client
            .wait_for_action(&self.token, actions[0], poll, wait)
            .await;
        let restarted = match set {
            Ok(action) if action.status == ActionStatus::Success => {
                client
                    .server_action(&self.token, server.id.get(), restart, None)
                    .await
            }
            Ok(action) => Err(HetznerError::new(ErrorKind::UnexpectedAnswer {
                status: 200,
                detail: format!("enable_rescue ended {:?}", action.status),
            })),
            Err(err) => Err(err),
        };
        match restarted {
            Ok(answer) => actions.push(answer.value.id),
            Err(err) => tracing::warn!(error = %err, "rescue on, the restart into it not sent"),
        }
        let started = Started {
            actions,
            root_password: enabled.value.root_password,
        };
        Ok(Changed::new(started, enabled.correlation_id))
    }

    async fn rebuild(
        &self,
        server_id: model::ServerId,
        image: i64,
    ) -> Result<Changed<Started>, Refused> {
        match self
            .client()
            .rebuild_server(&self.token, server_id.get(), image)
            .await
        {
            Ok(answer) => {
                let rebuilt = Started {
                    actions: vec![answer.value.action.id],
                    root_password: answer.value.root_password,
                };
                Ok(Changed::new(rebuilt, answer.correlation_id))
            }
            Err(err) => Err(self.refuse(err).await),
        }
    }

    async fn rename(
        &self,
        server_id: model::ServerId,
        name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        match self
            .client()
            .rename_server(&self.token, server_id.get(), name)
            .await
        {
            Ok(answer) => Ok(Changed::new(Vec::new(), answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
    }

    async fn server(&self, server_id: model::ServerId) -> Result<ServerDetails, DomainError> {
        match self.client().get_server(&self.token, server_id.get()).await {
            Ok(answer) => Ok(server_details(answer.value)),
            Err(err) => Err(self.fail(err).await),
        }
    }

    async fn delete_ssh_key(&self, key_id: i64) -> Result<Changed<()>, Refused> {
        match self.client().delete_ssh_key(&self.token, key_id).await {
            Ok(answer) => Ok(Changed::new((), answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
    }
}
