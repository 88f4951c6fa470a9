//! Reading a connected team's droplets, with a token that works.

use std::future::Future;

use super::failure::api_failure;
use crate::connections::Connections;
use crate::digitalocean::{AccessToken, Answer, DigitalOceanError, Droplet};
use crate::error::DomainError;

impl Connections {
    /// Runs `call` with the connection's token; if DigitalOcean refuses the
    /// token, refreshes it (once, across instances) and runs `call` again.
    pub(crate) async fn with_digitalocean_token<T, F, Fut>(
        &self,
        user_id: &str,
        id: &str,
        call: F,
    ) -> Result<T, DomainError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<Answer<T>, DigitalOceanError>>,
    {
        let token = self.digitalocean_token(user_id, id).await?;
        match call(token).await {
            Ok(answer) => Ok(answer.value),
            Err(err) => match api_failure(&err) {
                DomainError::TokenRejected => {
                    let token = self.refresh_digitalocean(user_id, id).await?;
                    call(token)
                        .await
                        .map(|a| a.value)
                        .map_err(|err| api_failure(&err))
                }
                failure => Err(failure),
            },
        }
    }

    /// Every droplet of the connection's team.
    pub async fn droplets(&self, user_id: &str, id: &str) -> Result<Vec<Droplet>, DomainError> {
        let client = self.digitalocean_setup()?.client.clone();
        self.with_digitalocean_token(user_id, id, |token| {
            let client = client.clone();
            async move { client.droplets(&token, None).await }
        })
        .await
    }
}
