//! Calls with a connected team's token that works: refreshed once when
//! DigitalOcean refuses it, and the user's Potions key found or put back.

use model::{ConnectionId, UserId};
use std::future::Future;

use super::failure::api_failure;
use crate::connections::{Connection, Connections};
use crate::error::DomainError;
use crate::providers::digitalocean::{AccessToken, Answer, DigitalOceanError, Droplet, ErrorKind};

impl Connections {
    /// Runs `call` with the connection's token; if DigitalOcean refuses the
    /// token, refreshes it (once, across instances) and runs `call` again.
    /// Other errors read as `fail` says.
    pub(crate) async fn with_digitalocean_token<T, E, F, Fut>(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        call: F,
        fail: fn(&DigitalOceanError) -> E,
    ) -> Result<Answer<T>, E>
    where
        E: From<DomainError>,
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<Answer<T>, DigitalOceanError>>,
    {
        let token = self.digitalocean_token(user_id, id).await?;
        match call(token).await {
            Ok(answer) => Ok(answer),
            Err(err) if err.kind == ErrorKind::Unauthorized => {
                let token = self.refresh_digitalocean(user_id, id).await?;
                call(token).await.map_err(|err| fail(&err))
            }
            Err(err) => Err(fail(&err)),
        }
    }

    /// Every droplet of the connection's team.
    pub async fn droplets(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Vec<Droplet>, DomainError> {
        let client = self.digitalocean_setup()?.client.clone();
        let call = |token: AccessToken| {
            let client = client.clone();
            async move { client.droplets(&token, None).await }
        };
        self.with_digitalocean_token(user_id, id, call, api_failure)
            .await
            .map(|answer| answer.value)
    }

    /// The id of the user's Potions key in the team, put back (and its new
    /// id remembered) if it was removed.
    pub(crate) async fn team_key_id(
        &self,
        user_id: &UserId,
        connection: &Connection,
    ) -> Result<i64, DomainError> {
        let key = self.user_key(user_id).await?;
        let token = self.digitalocean_token(user_id, &connection.id).await?;
        let key_id = self.ensure_team_key(&token, &key).await?;
        if key_id != connection.ssh_key_id {
            self.set_ssh_key_id(user_id, &connection.id, key_id).await?;
        }
        Ok(key_id)
    }
}
