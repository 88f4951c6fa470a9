//! The token endpoint (codes and refresh tokens for grants), grants made
//! directly by tests, revocation, and the Bearer check of the API.

use super::*;

impl World {
    /// The token endpoint: a code or a refresh token for a new pair. Client
    /// credentials count only in the body: HTTP Basic alone is `invalid_client`.
    pub fn token(&mut self, req: TokenRequest) -> Result<Value, OAuthError> {
        let (Some(client_id), Some(secret)) =
            (req.client_id.as_deref(), req.client_secret.as_deref())
        else {
            return Err(OAuthError::invalid_client());
        };
        let app = self
            .app(client_id)
            .cloned()
            .ok_or_else(OAuthError::invalid_client)?;
        if app.client_secret != secret {
            return Err(OAuthError::invalid_client());
        }
        let now = self.clock.now_ms();
        let grant = match req.grant_type.as_deref() {
            Some("authorization_code") => {
                let code = req
                    .code
                    .as_deref()
                    .ok_or_else(|| OAuthError::invalid_request("code is missing"))?;
                let redirect_uri = req
                    .redirect_uri
                    .as_deref()
                    .ok_or_else(|| OAuthError::invalid_request("redirect_uri is missing"))?;
                let found = self
                    .codes
                    .get_mut(code)
                    .ok_or_else(OAuthError::invalid_grant)?;
                if found.used
                    || found.expires_ms <= now
                    || found.client_id != client_id
                    || found.redirect_uri != redirect_uri
                {
                    return Err(OAuthError::invalid_grant());
                }
                let verified = match (&found.code_challenge, req.code_verifier.as_deref()) {
                    (None, _) => true,
                    (Some(challenge), Some(verifier)) => pkce_matches(challenge, verifier),
                    (Some(_), None) => false,
                };
                // A code is spent by any attempt to use it, as Doorkeeper does.
                found.used = true;
                if !verified {
                    return Err(OAuthError::invalid_grant());
                }
                let found = found.clone();
                self.new_grant(client_id, &found.user, &found.team, found.scopes)
            }
            Some("refresh_token") => {
                let refresh = req
                    .refresh_token
                    .as_deref()
                    .ok_or_else(|| OAuthError::invalid_request("refresh_token is missing"))?;
                let old = self
                    .grants
                    .iter_mut()
                    .find(|g| g.refresh == refresh && g.refresh_alive && g.client_id == client_id)
                    .ok_or_else(OAuthError::invalid_grant)?;
                // Single use: the refresh token and the access token it came with both retire.
                old.revoke();
                let (user, team, scopes) = (old.user.clone(), old.team.clone(), old.scopes.clone());
                self.new_grant(client_id, &user, &team, scopes)
            }
            Some(_) => {
                return Err(OAuthError::Token {
                    status: 400,
                    error: "unsupported_grant_type",
                    description:
                        "The authorization grant type is not supported by the authorization server."
                            .into(),
                })
            }
            None => return Err(OAuthError::invalid_request("grant_type is missing")),
        };
        Ok(self.token_answer(grant))
    }

    /// Issues a grant directly, as if the whole dance had happened.
    pub fn new_grant(
        &mut self,
        client_id: &str,
        user: &str,
        team: &str,
        scopes: Vec<String>,
    ) -> usize {
        self.grants.push(Grant {
            access: format!("doo_v1_{}", random_hex(32)),
            refresh: format!("dor_v1_{}", random_hex(32)),
            client_id: client_id.into(),
            user: user.into(),
            team: team.into(),
            scopes,
            expires_ms: self.clock.now_ms() + ACCESS_TOKEN_SECS * 1000,
            access_alive: true,
            refresh_alive: true,
        });
        self.grants.len() - 1
    }

    fn token_answer(&self, index: usize) -> Value {
        let grant = &self.grants[index];
        let user = self.user(&grant.user);
        let team = self.team(&grant.team);
        json!({
            "access_token": grant.access,
            "token_type": "bearer",
            "expires_in": ACCESS_TOKEN_SECS,
            "refresh_token": grant.refresh,
            "scope": grant.scopes.join(" "),
            "info": {
                "name": user.map(|u| u.name.clone()).unwrap_or_default(),
                "email": user.map(|u| u.email.clone()).unwrap_or_default(),
                "uuid": grant.user,
                "team_uuid": grant.team,
                "team_name": team.map(|t| t.name.clone()).unwrap_or_default(),
            }
        })
    }

    /// `POST /v1/oauth/revoke`: the bearer must be a live access token; the
    /// named token's grant (access and refresh) is revoked.
    pub fn revoke(&mut self, bearer: Option<&str>, token: Option<&str>) -> Result<(), OAuthError> {
        if self.authenticate(bearer).is_none() {
            return Err(OAuthError::Token {
                status: 401,
                error: "invalid_token",
                description: "The access token is invalid".into(),
            });
        }
        let token = token.ok_or_else(|| OAuthError::invalid_request("token is missing"))?;
        // RFC 7009 §2.1: revoking a refresh token ends its grant; revoking an
        // access token ends that token alone (its refresh token still works).
        if let Some(grant) = self.grants.iter_mut().find(|g| g.refresh == token) {
            grant.revoke();
        } else if let Some(grant) = self.grants.iter_mut().find(|g| g.access == token) {
            grant.access_alive = false;
        }
        Ok(())
    }

    /// The grant of a live access token in an `Authorization: Bearer` header.
    pub fn authenticate(&self, authorization: Option<&str>) -> Option<usize> {
        let token = authorization?.strip_prefix("Bearer ")?.trim();
        let now = self.clock.now_ms();
        self.grants
            .iter()
            .position(|g| g.access == token && g.access_valid(now))
    }
}
