//! One method per Hetzner endpoint Potions uses.

use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

use super::answer::{Answer, ListParams};
use super::client::HetznerClient;
use super::error::{ErrorKind, HetznerError};
use super::token::ApiToken;
use super::types::*;

impl HetznerClient {
    pub async fn list_servers(
        &self,
        token: &ApiToken,
        params: &ListParams,
    ) -> Result<Answer<Page<Server>>, HetznerError> {
        self.list(token, "/servers", "servers", params).await
    }

    pub async fn all_servers(
        &self,
        token: &ApiToken,
        params: &ListParams,
    ) -> Result<Answer<Vec<Server>>, HetznerError> {
        self.list_all(token, "/servers", "servers", params).await
    }

    pub async fn get_server(
        &self,
        token: &ApiToken,
        id: i64,
    ) -> Result<Answer<Server>, HetznerError> {
        Self::field(
            self.get_json(token, &format!("/servers/{id}"), &[]).await?,
            "server",
        )
    }

    pub async fn create_server(
        &self,
        token: &ApiToken,
        request: &CreateServer,
    ) -> Result<Answer<CreatedServer>, HetznerError> {
        let body = serde_json::to_value(request).map_err(|e| {
            HetznerError::new(ErrorKind::UnexpectedAnswer {
                status: 0,
                detail: e.to_string(),
            })
        })?;
        let answer = self
            .send(token, Method::POST, "/servers", &[], Some(&body))
            .await?;
        Self::whole(answer, "create")
    }

    /// Rebuilds a server from an image, destroying its disk (`rebuild`):
    /// answers its action and any root password Hetzner set. A POST: never
    /// repeated.
    pub async fn rebuild_server(
        &self,
        token: &ApiToken,
        id: i64,
        image: i64,
    ) -> Result<Answer<RebuiltServer>, HetznerError> {
        let body = json!({ "image": image.to_string() });
        let path = format!("/servers/{id}/actions/rebuild");
        let answer = self
            .send(token, Method::POST, &path, &[], Some(&body))
            .await?;
        Self::whole(answer, "rebuild")
    }

    /// The project's snapshot images, every page.
    pub async fn snapshot_images(
        &self,
        token: &ApiToken,
    ) -> Result<Answer<Vec<Image>>, HetznerError> {
        let params = ListParams {
            image_type: Some("snapshot".into()),
            ..ListParams::default()
        };
        self.list_all(token, "/images", "images", &params).await
    }

    /// Deletes a snapshot (or backup) image. A DELETE: safe to repeat.
    pub async fn delete_image(
        &self,
        token: &ApiToken,
        id: i64,
    ) -> Result<Answer<()>, HetznerError> {
        let answer = self
            .send(token, Method::DELETE, &format!("/images/{id}"), &[], None)
            .await?;
        Ok(answer.map(|_| ()))
    }

    /// Enables the rescue system (Linux, in memory) for the next start,
    /// with `ssh_keys`: answers its action and the rescue root password. A
    /// POST: never repeated.
    pub async fn enable_rescue(
        &self,
        token: &ApiToken,
        id: i64,
        ssh_keys: &[i64],
    ) -> Result<Answer<RebuiltServer>, HetznerError> {
        let body = json!({ "type": "linux64", "ssh_keys": ssh_keys });
        let path = format!("/servers/{id}/actions/enable_rescue");
        let answer = self
            .send(token, Method::POST, &path, &[], Some(&body))
            .await?;
        Self::whole(answer, "enable_rescue")
    }

    /// A POST's whole answer, read as `T` (`what` names it in the error).
    fn whole<T: serde::de::DeserializeOwned>(
        answer: Answer<Option<serde_json::Value>>,
        what: &str,
    ) -> Result<Answer<T>, HetznerError> {
        let answer = answer.map(Option::unwrap_or_default);
        let correlation_id = answer.correlation_id.clone();
        let read = serde_json::from_value(answer.value.clone()).map_err(|e| HetznerError {
            kind: ErrorKind::UnexpectedAnswer {
                status: 201,
                detail: format!("unexpected {what} answer: {e}"),
            },
            correlation_id,
        })?;
        Ok(answer.map(|_| read))
    }

    pub async fn delete_server(
        &self,
        token: &ApiToken,
        id: i64,
    ) -> Result<Answer<Action>, HetznerError> {
        let answer = self
            .send(token, Method::DELETE, &format!("/servers/{id}"), &[], None)
            .await?;
        Self::field(answer.map(Option::unwrap_or_default), "action")
    }

    /// Renames a server (no action: at once). A PUT, safe to repeat.
    pub async fn rename_server(
        &self,
        token: &ApiToken,
        id: i64,
        name: &str,
    ) -> Result<Answer<Server>, HetznerError> {
        let body = serde_json::json!({ "name": name });
        let path = format!("/servers/{id}");
        let answer = self
            .send(token, Method::PUT, &path, &[], Some(&body))
            .await?;
        Self::field(answer.map(Option::unwrap_or_default), "server")
    }

    /// Starts a server action (`poweron`, `reboot`, `change_dns_ptr`, …)
    /// with its body, if it takes one. A POST: never repeated, since it may
    /// have been applied.
    pub async fn server_action(
        &self,
        token: &ApiToken,
        id: i64,
        command: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer<Action>, HetznerError> {
        let path = format!("/servers/{id}/actions/{command}");
        let answer = self.send(token, Method::POST, &path, &[], body).await?;
        Self::field(answer.map(Option::unwrap_or_default), "action")
    }

    pub async fn list_ssh_keys(
        &self,
        token: &ApiToken,
        params: &ListParams,
    ) -> Result<Answer<Page<SshKey>>, HetznerError> {
        self.list(token, "/ssh_keys", "ssh_keys", params).await
    }

    pub async fn all_ssh_keys(
        &self,
        token: &ApiToken,
    ) -> Result<Answer<Vec<SshKey>>, HetznerError> {
        self.list_all(token, "/ssh_keys", "ssh_keys", &ListParams::default())
            .await
    }

    pub async fn create_ssh_key(
        &self,
        token: &ApiToken,
        name: &str,
        public_key: &str,
        labels: &Labels,
    ) -> Result<Answer<SshKey>, HetznerError> {
        let body = json!({ "name": name, "public_key": public_key, "labels": labels });
        let answer = self
            .send(token, Method::POST, "/ssh_keys", &[], Some(&body))
            .await?;
        Self::field(answer.map(Option::unwrap_or_default), "ssh_key")
    }

    pub async fn delete_ssh_key(
        &self,
        token: &ApiToken,
        id: i64,
    ) -> Result<Answer<()>, HetznerError> {
        Ok(self
            .send(token, Method::DELETE, &format!("/ssh_keys/{id}"), &[], None)
            .await?
            .map(|_| ()))
    }

    pub async fn server_types(
        &self,
        token: &ApiToken,
    ) -> Result<Answer<Vec<ServerType>>, HetznerError> {
        self.list_all(
            token,
            "/server_types",
            "server_types",
            &ListParams::default(),
        )
        .await
    }

    pub async fn locations(&self, token: &ApiToken) -> Result<Answer<Vec<Location>>, HetznerError> {
        self.list_all(token, "/locations", "locations", &ListParams::default())
            .await
    }

    /// System images, optionally of one architecture (`x86` or `arm`).
    pub async fn system_images(
        &self,
        token: &ApiToken,
        architecture: Option<&str>,
    ) -> Result<Answer<Vec<Image>>, HetznerError> {
        let params = ListParams {
            image_type: Some("system".into()),
            architecture: architecture.map(str::to_string),
            ..ListParams::default()
        };
        self.list_all(token, "/images", "images", &params).await
    }

    pub async fn pricing(&self, token: &ApiToken) -> Result<Answer<Pricing>, HetznerError> {
        Self::field(self.get_json(token, "/pricing", &[]).await?, "pricing")
    }

    pub async fn get_action(
        &self,
        token: &ApiToken,
        id: i64,
    ) -> Result<Answer<Action>, HetznerError> {
        Self::field(
            self.get_json(token, &format!("/actions/{id}"), &[]).await?,
            "action",
        )
    }

    pub async fn get_actions(
        &self,
        token: &ApiToken,
        ids: &[i64],
    ) -> Result<Answer<Vec<Action>>, HetznerError> {
        let query: Vec<(&str, String)> = ids.iter().map(|id| ("id", id.to_string())).collect();
        Self::field(self.get_json(token, "/actions", &query).await?, "actions")
    }

    /// Polls an action until it ends or `timeout` passes; returns its last state.
    pub async fn wait_for_action(
        &self,
        token: &ApiToken,
        id: i64,
        poll: Duration,
        timeout: Duration,
    ) -> Result<Action, HetznerError> {
        let deadline = Instant::now() + timeout;
        loop {
            let action = self.get_action(token, id).await?.value;
            if action.status != ActionStatus::Running || Instant::now() + poll > deadline {
                return Ok(action);
            }
            tokio::time::sleep(poll).await;
        }
    }
}
