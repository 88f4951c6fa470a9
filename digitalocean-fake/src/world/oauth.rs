//! The OAuth authorization server: authorize requests awaiting the user's
//! consent, single-use codes, and the grants (access and refresh tokens).

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{random_hex, World};
use crate::scopes::{KNOWN_SCOPES, PREREQUISITES};

/// Access tokens live 30 days.
pub const ACCESS_TOKEN_SECS: i64 = 2_592_000;
/// Codes, and authorize requests waiting for consent, live 10 minutes.
const CODE_TTL_MS: i64 = 10 * 60 * 1000;
const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the \
                             redirection URI used in the authorization request, or was issued to another client.";
pub const ACCESS_DENIED: &str = "The resource owner or authorization server denied the request.";
const PROMPTS: &[&str] = &["select_account", "consent", "login"];

/// The query of `GET /v1/oauth/authorize`.
#[derive(Debug, Default, Deserialize)]
pub struct AuthorizeRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub prompt: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// The form of `POST /v1/oauth/token`.
#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthError {
    /// Shown on DigitalOcean's own page and never redirected: the app or
    /// its redirect URI cannot be trusted, or it asked for unknown scopes.
    Page(String),
    /// Sent back to the app's redirect URI.
    Redirect {
        redirect_uri: String,
        error: &'static str,
        description: String,
        state: Option<String>,
    },
    /// An answer of the token or revoke endpoint.
    Token {
        status: u16,
        error: &'static str,
        description: String,
    },
}

impl OAuthError {
    fn invalid_grant() -> Self {
        Self::Token {
            status: 400,
            error: "invalid_grant",
            description: INVALID_GRANT.into(),
        }
    }

    fn invalid_request(description: &str) -> Self {
        Self::Token {
            status: 400,
            error: "invalid_request",
            description: description.into(),
        }
    }

    fn invalid_client() -> Self {
        Self::Token {
            status: 401,
            error: "invalid_client",
            description:
                "Client authentication failed due to unknown client, no client authentication \
                          included, or unsupported authentication method."
                    .into(),
        }
    }

    pub fn token_body(&self) -> (u16, Value) {
        match self {
            Self::Token {
                status,
                error,
                description,
            } => (
                *status,
                json!({ "error": error, "error_description": description }),
            ),
            other => (
                400,
                json!({ "error": "invalid_request", "error_description": format!("{other:?}") }),
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct PendingAuthorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: String,
    pub code_challenge: Option<String>,
    /// Set once the user signed in on the consent page.
    pub user: Option<String>,
    pub expires_ms: i64,
}

#[derive(Debug, Clone)]
pub(super) struct Code {
    client_id: String,
    redirect_uri: String,
    user: String,
    team: String,
    scopes: Vec<String>,
    code_challenge: Option<String>,
    expires_ms: i64,
    used: bool,
}

/// Tokens issued together: an access token and the refresh token that replaces it.
#[derive(Debug, Clone)]
pub struct Grant {
    pub access: String,
    pub refresh: String,
    pub client_id: String,
    pub user: String,
    pub team: String,
    pub scopes: Vec<String>,
    pub expires_ms: i64,
    access_alive: bool,
    refresh_alive: bool,
}

impl Grant {
    pub fn is_alive(&self) -> bool {
        self.access_alive || self.refresh_alive
    }

    pub fn revoke(&mut self) {
        self.access_alive = false;
        self.refresh_alive = false;
    }

    pub fn access_valid(&self, now_ms: i64) -> bool {
        self.access_alive && now_ms < self.expires_ms
    }
}

fn pkce_matches(challenge: &str, verifier: &str) -> bool {
    let digest = Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
}

fn is_pkce_challenge(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the consent page shows about a waiting authorize request.
#[derive(Debug, Clone)]
pub struct ConsentView {
    pub app_name: String,
    pub scopes: Vec<String>,
    /// `(uuid, name)` of the signed-in user's teams; empty before sign-in.
    pub teams: Vec<(String, String)>,
}

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
        if let Some(grant) = self
            .grants
            .iter_mut()
            .find(|g| g.access == token || g.refresh == token)
        {
            grant.revoke();
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
