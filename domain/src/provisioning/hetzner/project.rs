//! Provisioning in a Hetzner Cloud project, through its API token.

use crate::error::Refusal;
use model::UserId;
use std::collections::BTreeMap;

use super::answers::{catalogue, server_details, server_info};
use crate::clock::parse_rfc3339;
use crate::connections::hetzner::provisioning_failure;
use crate::connections::{managed_labels, Connection, ConnectionStatus};
use crate::error::DomainError;
use crate::providers::hetzner::{
    self, ActionStatus, ApiToken, ErrorKind, HetznerError, ListParams,
};
use crate::provisioning::{
    AddedKey, Catalogue, Changed, CreatedServer, NewServer, PowerAction, Progress, Provisioner,
    Provisioning, Rebuilt, Refused, Server, ServerDetails, SshKey,
};

/// A project opened with its token.
pub(in crate::provisioning) struct HetznerProject<'a> {
    provisioning: &'a Provisioning,
    user_id: &'a UserId,
    pub(in crate::provisioning) connection: Connection,
    token: ApiToken,
}

impl<'a> HetznerProject<'a> {
    /// A token Hetzner rejected stops every call until it is replaced or
    /// passes a re-check.
    pub(in crate::provisioning) async fn open(
        provisioning: &'a Provisioning,
        user_id: &'a UserId,
        connection: Connection,
    ) -> Result<Self, DomainError> {
        if connection.status == ConnectionStatus::NeedsAttention {
            return Err(DomainError::Refused(Refusal::HetznerNeedsAttention));
        }
        let token = provisioning
            .connections
            .token(user_id, &connection.id)
            .await?;
        Ok(Self {
            provisioning,
            user_id,
            connection,
            token,
        })
    }

    fn client(&self) -> &hetzner::HetznerClient {
        self.provisioning.connections.hetzner()
    }

    /// A setting changed by a server action; answers the action to follow.
    async fn change_setting(
        &self,
        server_id: model::ServerId,
        command: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let started = self
            .client()
            .server_action(&self.token, server_id.get(), command, body)
            .await;
        match started {
            Ok(answer) => Ok(Changed::new(vec![answer.value.id], answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
    }

    /// Turns a Hetzner failure into the user's terms, noting a rejected token.
    async fn fail(&self, err: HetznerError) -> DomainError {
        let id = &self.connection.id;
        let _ = self
            .provisioning
            .connections
            .note_failure(self.user_id, id, &self.token, &err)
            .await;
        let failure = provisioning_failure(&err);
        if matches!(failure, DomainError::Refused(Refusal::HetznerUnreachable)) {
            tracing::warn!(connection_id = %id, error = %err, "hetzner call failed");
        }
        failure
    }

    /// A change Hetzner refused or never answered, with its correlation id.
    async fn refuse(&self, err: HetznerError) -> Refused {
        let correlation_id = err.correlation_id.clone();
        Refused::by_provider(self.fail(err).await, correlation_id)
    }

    fn key_info(&self, key: hetzner::SshKey) -> SshKey {
        SshKey {
            is_potions_key: key.id == self.connection.ssh_key_id,
            created_at: parse_rfc3339(&key.created),
            id: key.id,
            name: key.name,
            fingerprint: key.fingerprint,
        }
    }
}

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
        let (locations, types, images) = futures::join!(
            client.locations(&self.token),
            client.server_types(&self.token),
            client.system_images(&self.token, None)
        );
        match (locations, types, images) {
            (Ok(l), Ok(t), Ok(i)) => Ok(catalogue(l.value, t.value, i.value)),
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
        let started = self
            .client()
            .server_action(&self.token, server_id.get(), command, None)
            .await;
        match started {
            Ok(answer) => Ok(Changed::new(vec![answer.value.id], answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
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

    async fn rebuild(
        &self,
        server_id: model::ServerId,
        image: i64,
    ) -> Result<Changed<Rebuilt>, Refused> {
        match self
            .client()
            .rebuild_server(&self.token, server_id.get(), image)
            .await
        {
            Ok(answer) => {
                let rebuilt = Rebuilt {
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
