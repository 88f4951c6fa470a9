//! The API v2 calls Potions makes, typed.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

use super::client::{Answer, DigitalOceanClient};
use super::error::{DigitalOceanError, ErrorKind};
use super::secrets::AccessToken;
use super::types::*;

type Result<T> = std::result::Result<Answer<T>, DigitalOceanError>;

/// A key is named in a path by its numeric id or its MD5 fingerprint; nothing
/// else is put in a path.
fn key_identifier(id_or_fingerprint: &str) -> std::result::Result<&str, DigitalOceanError> {
    let is_id =
        !id_or_fingerprint.is_empty() && id_or_fingerprint.bytes().all(|b| b.is_ascii_digit());
    let is_fingerprint = id_or_fingerprint.len() == 47
        && id_or_fingerprint
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':');
    if is_id || is_fingerprint {
        Ok(id_or_fingerprint)
    } else {
        Err(DigitalOceanError::new(ErrorKind::NotFound))
    }
}

#[derive(Deserialize)]
struct ActionLink {
    id: i64,
    rel: String,
}

impl DigitalOceanClient {
    pub async fn account(&self, token: &AccessToken) -> Result<Account> {
        Self::field(
            self.call(token, Method::GET, "/v2/account", None).await?,
            "account",
        )
    }

    /// Every key of the team. DigitalOcean allows 10 listings a minute:
    /// look one key up with [`Self::ssh_key`] instead where possible.
    pub async fn ssh_keys(&self, token: &AccessToken) -> Result<Vec<SshKey>> {
        self.list_all(token, "/v2/account/keys", "ssh_keys").await
    }

    /// One key by id or fingerprint; `None` when the team has no such key.
    pub async fn ssh_key(
        &self,
        token: &AccessToken,
        id_or_fingerprint: &str,
    ) -> Result<Option<SshKey>> {
        let path = format!("/v2/account/keys/{}", key_identifier(id_or_fingerprint)?);
        match self.call(token, Method::GET, &path, None).await {
            Ok(answer) => Ok(Self::field::<SshKey>(answer, "ssh_key")?.map(Some)),
            Err(DigitalOceanError {
                kind: ErrorKind::NotFound,
                request_id,
            }) => Ok(Answer {
                value: None,
                rate_limit: None,
                request_id,
            }),
            Err(err) => Err(err),
        }
    }

    /// Adds a key; a 422 may mean the team already has it (look it up by fingerprint).
    pub async fn create_ssh_key(
        &self,
        token: &AccessToken,
        name: &str,
        public_key: &str,
    ) -> Result<SshKey> {
        let body = json!({ "name": name, "public_key": public_key });
        Self::field(
            self.call(token, Method::POST, "/v2/account/keys", Some(&body))
                .await?,
            "ssh_key",
        )
    }

    pub async fn delete_ssh_key(
        &self,
        token: &AccessToken,
        id_or_fingerprint: &str,
    ) -> Result<Deleted> {
        let path = format!("/v2/account/keys/{}", key_identifier(id_or_fingerprint)?);
        self.delete(token, &path).await
    }

    /// Droplets of the team, or those with `tag`.
    pub async fn droplets(&self, token: &AccessToken, tag: Option<&str>) -> Result<Vec<Droplet>> {
        let path = match tag {
            Some(tag) => format!(
                "/v2/droplets?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("tag_name", tag)
                    .finish()
            ),
            None => "/v2/droplets".into(),
        };
        self.list_all(token, &path, "droplets").await
    }

    pub async fn droplet(&self, token: &AccessToken, id: i64) -> Result<Droplet> {
        Self::field(
            self.call(token, Method::GET, &format!("/v2/droplets/{id}"), None)
                .await?,
            "droplet",
        )
    }

    /// Starts a droplet action: `body` has its `type` (`power_on`,
    /// `shutdown`, `reboot`, `rename`, …) and that type's fields.
    pub async fn droplet_action(
        &self,
        token: &AccessToken,
        id: i64,
        body: &Value,
    ) -> Result<Action> {
        let path = format!("/v2/droplets/{id}/actions");
        Self::field(
            self.call(token, Method::POST, &path, Some(body)).await?,
            "action",
        )
    }

    /// Accepted as `new`, with the id of the `create` action to wait for.
    pub async fn create_droplet(
        &self,
        token: &AccessToken,
        new: &NewDroplet,
    ) -> Result<CreatedDroplet> {
        let body = serde_json::to_value(new)
            .map_err(|_| DigitalOceanError::unexpected(0, "droplet body"))?;
        let answer = self
            .call(token, Method::POST, "/v2/droplets", Some(&body))
            .await?;
        let links = answer
            .value
            .pointer("/links/actions")
            .cloned()
            .unwrap_or(Value::Null);
        let action_id = serde_json::from_value::<Vec<ActionLink>>(links)
            .ok()
            .and_then(|links| links.into_iter().find(|l| l.rel == "create"))
            .map(|l| l.id)
            .ok_or_else(|| DigitalOceanError::unexpected(202, "no create action in the answer"))?;
        Ok(Self::field::<Droplet>(answer, "droplet")?
            .map(|droplet| CreatedDroplet { droplet, action_id }))
    }

    /// 204 is deleted; 404 means it was already gone.
    pub async fn delete_droplet(&self, token: &AccessToken, id: i64) -> Result<Deleted> {
        self.delete(token, &format!("/v2/droplets/{id}")).await
    }

    async fn delete(&self, token: &AccessToken, path: &str) -> Result<Deleted> {
        match self
            .send(token, Method::DELETE, &self.url(path), None)
            .await
        {
            Ok(answer) => Ok(answer.map(|_| Deleted::Now)),
            Err(DigitalOceanError {
                kind: ErrorKind::NotFound,
                request_id,
            }) => Ok(Answer {
                value: Deleted::AlreadyGone,
                rate_limit: None,
                request_id,
            }),
            Err(err) => Err(err),
        }
    }

    pub async fn action(&self, token: &AccessToken, id: i64) -> Result<Action> {
        Self::field(
            self.call(token, Method::GET, &format!("/v2/actions/{id}"), None)
                .await?,
            "action",
        )
    }

    /// Polls the action until it completes or errors, or `timeout` passes.
    pub async fn wait_for_action(
        &self,
        token: &AccessToken,
        id: i64,
        timeout: Duration,
    ) -> std::result::Result<Action, DigitalOceanError> {
        let deadline = Instant::now() + timeout;
        loop {
            let action = self.action(token, id).await?.value;
            if matches!(
                action.status,
                ActionStatus::Completed | ActionStatus::Errored
            ) {
                return Ok(action);
            }
            if Instant::now() + self.config.action_poll_interval > deadline {
                return Err(DigitalOceanError::new(ErrorKind::Timeout));
            }
            tokio::time::sleep(self.config.action_poll_interval).await;
        }
    }

    pub async fn regions(&self, token: &AccessToken) -> Result<Vec<Region>> {
        self.list_all(token, "/v2/regions", "regions").await
    }

    pub async fn sizes(&self, token: &AccessToken) -> Result<Vec<Size>> {
        self.list_all(token, "/v2/sizes", "sizes").await
    }

    pub async fn droplet_snapshots(
        &self,
        token: &AccessToken,
        id: i64,
    ) -> Result<Vec<DropletSnapshot>> {
        self.list_all(token, &format!("/v2/droplets/{id}/snapshots"), "snapshots")
            .await
    }

    /// Every droplet snapshot of the team (needs `snapshot:read`).
    pub async fn team_snapshots(&self, token: &AccessToken) -> Result<Vec<DropletSnapshot>> {
        self.list_all(token, "/v2/snapshots?resource_type=droplet", "snapshots")
            .await
    }

    pub async fn delete_snapshot(&self, token: &AccessToken, id: i64) -> Result<Deleted> {
        self.delete(token, &format!("/v2/snapshots/{id}")).await
    }

    pub async fn distribution_images(&self, token: &AccessToken) -> Result<Vec<Image>> {
        self.list_all(token, "/v2/images?type=distribution", "images")
            .await
    }

    /// Creates the tag, or finds it already there.
    pub async fn ensure_tag(&self, token: &AccessToken, name: &str) -> Result<()> {
        let body = json!({ "name": name });
        Ok(self
            .call(token, Method::POST, "/v2/tags", Some(&body))
            .await?
            .map(|_| ()))
    }
}
