//! The authorize endpoint and the consent page: checking the request, the
//! user signing in and choosing a team, the decision that issues a code.

use super::*;

impl World {
    /// Checks an authorize request; answers the id of the consent page for it.
    pub fn begin_authorization(&mut self, req: AuthorizeRequest) -> Result<String, OAuthError> {
        let client_id = req.client_id.unwrap_or_default();
        let Some(app) = self.app(&client_id).cloned() else {
            return Err(OAuthError::Page(
                "Client authentication failed due to unknown client.".into(),
            ));
        };
        let redirect_uri = req.redirect_uri.unwrap_or_default();
        if redirect_uri != app.redirect_uri {
            return Err(OAuthError::Page(
                "The redirect uri included is not valid.".into(),
            ));
        }
        let scopes: Vec<String> = req
            .scope
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if scopes.is_empty() {
            return Err(OAuthError::Page(
                "The requested scope is invalid, unknown, or malformed.".into(),
            ));
        }
        if let Some(unknown) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(&s.as_str())) {
            return Err(OAuthError::Page(format!(
                "The requested scope is invalid, unknown, or malformed: {unknown}"
            )));
        }
        for (scope, needs) in PREREQUISITES {
            if scopes.iter().any(|s| s == scope) {
                if let Some(missing) = needs.iter().find(|n| !scopes.iter().any(|s| s == *n)) {
                    return Err(OAuthError::Page(format!(
                        "The scope {scope} also requires {missing}."
                    )));
                }
            }
        }
        let redirect = |error: &'static str, description: &str| OAuthError::Redirect {
            redirect_uri: redirect_uri.clone(),
            error,
            description: description.into(),
            state: req.state.clone(),
        };
        if req.response_type.as_deref() != Some("code") {
            return Err(redirect(
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            ));
        }
        let state = match req.state.as_deref() {
            Some(state) if !state.is_empty() && state.len() <= 512 => state.to_string(),
            _ => {
                return Err(redirect(
                    "invalid_request",
                    "The request is missing a valid state parameter.",
                ))
            }
        };
        if req.prompt.as_deref().is_some_and(|p| !PROMPTS.contains(&p)) {
            return Err(redirect(
                "invalid_request",
                "The prompt parameter is not supported.",
            ));
        }
        let code_challenge = match (req.code_challenge, req.code_challenge_method.as_deref()) {
            (None, None) => None,
            (Some(challenge), Some("S256")) if is_pkce_challenge(&challenge) => Some(challenge),
            _ => {
                return Err(redirect(
                    "invalid_request",
                    "Code challenge is required to be S256.",
                ))
            }
        };
        let id = random_hex(16);
        let expires_ms = self.clock.now_ms() + CODE_TTL_MS;
        self.pending.insert(
            id.clone(),
            PendingAuthorization {
                client_id,
                redirect_uri,
                scopes,
                state,
                code_challenge,
                user: None,
                expires_ms,
            },
        );
        Ok(id)
    }

    fn live_pending(&self, id: &str) -> Option<&PendingAuthorization> {
        self.pending
            .get(id)
            .filter(|p| p.expires_ms > self.clock.now_ms())
    }

    pub fn consent_view(&self, id: &str) -> Option<ConsentView> {
        let pending = self.live_pending(id)?;
        let teams = pending
            .user
            .as_deref()
            .and_then(|u| self.user(u))
            .map(|user| {
                user.teams
                    .iter()
                    .filter_map(|t| self.team(t))
                    .map(|t| (t.uuid.clone(), t.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Some(ConsentView {
            app_name: self.app(&pending.client_id)?.name.clone(),
            scopes: pending.scopes.clone(),
            teams,
        })
    }

    /// Signs the user in on the consent page; false for a wrong email or password.
    pub fn sign_in_for_consent(&mut self, id: &str, email: &str, password: &str) -> bool {
        let user = self
            .users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.trim()) && u.password == password)
            .map(|u| u.uuid.clone());
        let now = self.clock.now_ms();
        match (
            user,
            self.pending.get_mut(id).filter(|p| p.expires_ms > now),
        ) {
            (Some(user), Some(pending)) => {
                pending.user = Some(user);
                true
            }
            _ => false,
        }
    }

    /// The user's answer on the consent page: where to send the browser, with
    /// `code` and `state`, or `error=access_denied`. `None` when the request
    /// is unknown, expired, not signed in, or the team is not the user's.
    pub fn decide(
        &mut self,
        id: &str,
        team: Option<&str>,
        approve: bool,
    ) -> Option<(String, Vec<(String, String)>)> {
        let pending = self.live_pending(id)?.clone();
        let user = pending.user.clone()?;
        let mut params = Vec::new();
        if approve {
            let team = team.filter(|t| {
                self.user(&user)
                    .is_some_and(|u| u.teams.iter().any(|x| x == t))
            })?;
            let code = random_hex(32);
            self.codes.insert(
                code.clone(),
                Code {
                    client_id: pending.client_id.clone(),
                    redirect_uri: pending.redirect_uri.clone(),
                    user,
                    team: team.to_string(),
                    scopes: pending.scopes.clone(),
                    code_challenge: pending.code_challenge.clone(),
                    expires_ms: self.clock.now_ms() + CODE_TTL_MS,
                    used: false,
                },
            );
            params.push(("code".to_string(), code));
        } else {
            params.push(("error".to_string(), "access_denied".to_string()));
            params.push(("error_description".to_string(), ACCESS_DENIED.to_string()));
        }
        params.push(("state".to_string(), pending.state.clone()));
        self.pending.remove(id);
        Some((pending.redirect_uri, params))
    }
}
