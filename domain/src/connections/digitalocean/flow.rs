//! Connecting a DigitalOcean team: the start (a `state`, PKCE, the consent
//! URL) and the callback (the code exchanged, the account checked, the
//! user's Potions key in the team, then the tokens stored in one
//! transaction). Nothing is stored unless every step passed.

use super::failure::{api_failure, exchange_failure};
use super::{DigitalOceanSetup, PROVIDER_DIGITALOCEAN};
use crate::connections::record::{normalize_label, Connection};
use crate::connections::user_key::UserKey;
use crate::connections::Connections;
use crate::error::DomainError;
use crate::error::Refusal;
use crate::providers::digitalocean::{
    authorize_url, AccessToken, AccountStatus, AuthorizationCode, ErrorKind, Pkce, TokenGrant,
    SCOPES,
};
use model::{ConnectionId, UserId};

/// What DigitalOcean sent the browser back with.
#[derive(Debug, Default, Clone)]
pub struct Callback {
    pub state: Option<String>,
    /// Redacted in `Debug`: until exchanged, it is as good as a token.
    pub code: Option<AuthorizationCode>,
    /// `access_denied` when the user chose Deny.
    pub error: Option<String>,
}

/// A team connected, or connected again with its tokens replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    pub connection: Connection,
    pub replaced: bool,
}

/// The team a grant is for, and who granted it.
pub(super) struct GrantedTeam {
    pub uuid: String,
    pub name: String,
    pub email: String,
}

impl Connections {
    pub fn digitalocean_setup(&self) -> Result<&DigitalOceanSetup, DomainError> {
        self.digitalocean
            .as_ref()
            .ok_or(DomainError::Refused(Refusal::DigitalOceanNotSetUp))
    }

    pub fn digitalocean_is_set_up(&self) -> bool {
        self.digitalocean.is_some()
    }

    /// The origin of DigitalOcean's consent page (`https://cloud.digitalocean.com`),
    /// where Potions' forms send the browser on; none when not set up.
    pub fn digitalocean_oauth_origin(&self) -> Option<&str> {
        self.digitalocean.as_ref()?.oauth_origin.as_deref()
    }

    /// Starts connecting a team (or reconnecting `reconnect_id`): answers
    /// the DigitalOcean consent URL to send the browser to.
    pub async fn begin_digitalocean(
        &self,
        user_id: &UserId,
        session_secret: &str,
        label: &str,
        reconnect_id: Option<&ConnectionId>,
    ) -> Result<String, DomainError> {
        if let Some(id) = reconnect_id {
            if self.get(user_id, id).await?.provider != PROVIDER_DIGITALOCEAN {
                return Err(DomainError::Refused(Refusal::ConnectionNotFound));
            }
        }
        let setup = self.digitalocean_setup()?;
        // Empty means "the team's name", decided at the callback.
        let label = if label.trim().is_empty() {
            String::new()
        } else {
            normalize_label(label)?
        };
        let pkce = Pkce::generate();
        let state = self
            .save_state(user_id, session_secret, &label, reconnect_id, &pkce)
            .await?;
        Ok(authorize_url(
            setup.client.config(),
            &setup.app,
            &state,
            &pkce.challenge,
        ))
    }

    /// The callback: refuses a missing, foreign, reused or expired `state`
    /// first, then a denial, then anything DigitalOcean refuses.
    pub async fn complete_digitalocean(
        &self,
        user_id: &UserId,
        session_secret: &str,
        callback: Callback,
    ) -> Result<Connected, DomainError> {
        let setup = self.digitalocean_setup()?;
        let flow = self
            .take_state(user_id, session_secret, callback.state.as_deref())
            .await?;
        // An error and a code together is not an answer DigitalOcean gives: refuse it.
        let code = match (callback.error, callback.code) {
            (None, Some(code))
                if !code.expose_secret().is_empty() && code.expose_secret().len() <= 512 =>
            {
                code
            }
            (Some(_), _) => return Err(DomainError::Refused(Refusal::OAuthDenied)),
            (None, _) => return Err(DomainError::Refused(Refusal::OAuthCodeRefused)),
        };
        let grant = setup
            .client
            .exchange_code(&setup.app, &code, &flow.verifier)
            .await
            .map_err(|err| exchange_failure(&err))?;
        let stored = self
            .accept_grant(user_id, &flow.label, flow.reconnect_id.as_ref(), &grant)
            .await;
        if stored.is_err() {
            // Nothing was stored: leave no grant behind at DigitalOcean either.
            let refresh = Some(&grant.refresh_token);
            if let Err(err) = setup
                .client
                .revoke_grant(&grant.access_token, refresh)
                .await
            {
                tracing::warn!(error = %err, "could not revoke a grant Potions did not keep");
            }
        }
        // A token refused right after it was issued: DigitalOcean took the access back.
        stored.map_err(|err| match err {
            DomainError::Refused(Refusal::TokenRejected) => {
                DomainError::Refused(Refusal::DigitalOceanAccessLost)
            }
            err => err,
        })
    }

    /// Checks a fresh grant's account and team, puts the user's key in the
    /// team, and stores the connection.
    async fn accept_grant(
        &self,
        user_id: &UserId,
        label: &str,
        reconnect_id: Option<&ConnectionId>,
        grant: &TokenGrant,
    ) -> Result<Connected, DomainError> {
        if let Some(scope) = &grant.scope {
            let granted: Vec<&str> = scope.split_whitespace().collect();
            if SCOPES.iter().any(|s| !granted.contains(s)) && !granted.contains(&"write") {
                return Err(DomainError::Refused(Refusal::DigitalOceanMissingPermission));
            }
        }
        let setup = self.digitalocean_setup()?;
        let token = &grant.access_token;
        let account = setup
            .client
            .account(token)
            .await
            .map_err(|err| api_failure(&err))?
            .value;
        match account.status {
            AccountStatus::Locked => {
                return Err(DomainError::Refused(Refusal::DigitalOceanAccountLocked))
            }
            _ if !account.email_verified => {
                return Err(DomainError::Refused(Refusal::DigitalOceanEmailNotVerified))
            }
            _ => {}
        }
        let team = GrantedTeam {
            uuid: account
                .team
                .as_ref()
                .map_or_else(|| grant.info.team_uuid.clone(), |t| t.uuid.clone()),
            name: account
                .team
                .as_ref()
                .map_or_else(|| grant.info.team_name.clone(), |t| t.name.clone()),
            email: account.email,
        };
        for _ in 0..2 {
            let key = self.user_key(user_id).await?;
            let ssh_key_id = self.ensure_team_key(token, &key).await?;
            if let Some(connected) = self
                .store_grant(user_id, label, reconnect_id, grant, &team, &key, ssh_key_id)
                .await?
            {
                tracing::info!(%user_id, connection_id = %connected.connection.id, replaced = connected.replaced,
                    "digitalocean team connected");
                return Ok(connected);
            }
        }
        Err(DomainError::Refused(Refusal::DigitalOceanUnreachable))
    }

    /// The id of the user's Potions key in the team: the key already there
    /// (by fingerprint), or the key added now.
    pub(super) async fn ensure_team_key(
        &self,
        token: &AccessToken,
        key: &UserKey,
    ) -> Result<i64, DomainError> {
        let client = &self.digitalocean_setup()?.client;
        if let Some(found) = client
            .ssh_key(token, &key.fingerprint)
            .await
            .map_err(|e| api_failure(&e))?
            .value
        {
            return Ok(found.id);
        }
        match client
            .create_ssh_key(token, "Potions", &key.public_key)
            .await
        {
            Ok(created) => Ok(created.value.id),
            // Added meanwhile (by another request): it is there now.
            Err(err) if matches!(err.kind, ErrorKind::Unprocessable { .. }) => client
                .ssh_key(token, &key.fingerprint)
                .await
                .map_err(|e| api_failure(&e))?
                .value
                .map(|k| k.id)
                .ok_or_else(|| api_failure(&err)),
            Err(err) => Err(api_failure(&err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_never_prints_its_code() {
        let callback = Callback {
            state: Some("state".into()),
            code: Some(AuthorizationCode::new("code-secret-value")),
            error: None,
        };
        let shown = format!("{callback:?}");
        assert!(
            !shown.contains("code-secret-value") && shown.contains("redacted"),
            "{shown}"
        );
    }
}
