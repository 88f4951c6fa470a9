//! The OAuth authorization server: authorize requests awaiting the user's
//! consent, single-use codes, and the grants (access and refresh tokens).

mod authorize;
mod tokens;

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
