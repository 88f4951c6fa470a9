//! OAuth with DigitalOcean: the authorize URL (with PKCE S256), the code
//! exchange, refresh and revoke.
//!
//! Plain form posts rather than the `oauth2` crate: DigitalOcean's token
//! answer carries `info` (the account and team) that `oauth2`'s standard
//! response drops, its client authentication must be in the body (not
//! `oauth2`'s default), and these calls must share the API client's pool,
//! size cap, timeouts and typed errors. None of them is ever retried: codes
//! and refresh tokens are single-use, so a second try cannot succeed.

use base64::Engine as _;
use rand::RngCore as _;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Duration;

use super::client::{DigitalOceanClient, RawAnswer};
use super::config::{DigitalOceanConfig, OAuthApp};
use super::error::{DigitalOceanError, ErrorKind, OAuthErrorKind};
use super::secrets::{AccessToken, AuthorizationCode, PkceVerifier, RefreshToken};

/// The least Potions asks for: each is needed by a call it makes.
pub const SCOPES: &[&str] = &[
    "account:read",
    "droplet:create",
    "droplet:read",
    "droplet:update",
    "droplet:delete",
    "snapshot:read",
    "snapshot:delete",
    "image:delete",
    "ssh_key:create",
    "ssh_key:read",
    "ssh_key:delete",
    "regions:read",
    "sizes:read",
    "image:read",
    "actions:read",
    "tag:create",
    "tag:read",
];

/// Longest token lifetime believed: a year. Longer is a broken answer.
const MAX_EXPIRES_IN_SECS: i64 = 365 * 24 * 3600;
const MAX_TOKEN_CHARS: usize = 4096;

/// A PKCE verifier (kept server-side) and its S256 challenge (sent).
pub struct Pkce {
    pub verifier: PkceVerifier,
    pub challenge: String,
}

impl Pkce {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 48];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let verifier = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        Self {
            challenge: Self::challenge_of(&verifier),
            verifier: PkceVerifier::new(verifier),
        }
    }

    pub fn challenge_of(verifier: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    }
}

/// Where to send the browser: DigitalOcean's consent page for `state`.
pub fn authorize_url(
    config: &DigitalOceanConfig,
    app: &OAuthApp,
    state: &str,
    pkce_challenge: &str,
) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", &app.redirect_uri)
        .append_pair("scope", &SCOPES.join(" "))
        .append_pair("state", state)
        .append_pair("prompt", "select_account")
        .append_pair("code_challenge", pkce_challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    format!(
        "{}/authorize?{query}",
        config.oauth_base_url.trim_end_matches('/')
    )
}

/// Who and which team a grant is for, as the token answer says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInfo {
    pub name: String,
    pub email: String,
    pub uuid: String,
    pub team_uuid: String,
    pub team_name: String,
}

/// A new access token and the refresh token that replaces it.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub access_token: AccessToken,
    pub refresh_token: RefreshToken,
    pub expires_in: Duration,
    pub scope: Option<String>,
    pub info: TokenInfo,
}

/// The token answer exactly as documented; anything else is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenAnswer {
    access_token: String,
    token_type: String,
    expires_in: i64,
    refresh_token: String,
    #[serde(default)]
    scope: Option<String>,
    info: TokenInfo,
}

fn is_token_text(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_TOKEN_CHARS && text.bytes().all(|b| b.is_ascii_graphic())
}

fn read_grant(status: u16, body: &[u8]) -> Result<TokenGrant, DigitalOceanError> {
    // serde's own message may quote a value, and values here are secrets.
    let answer: TokenAnswer = serde_json::from_slice(body).map_err(|_| {
        DigitalOceanError::unexpected(status, "token answer has an unexpected shape")
    })?;
    if !answer.token_type.eq_ignore_ascii_case("bearer") {
        return Err(DigitalOceanError::unexpected(
            status,
            "token type is not bearer",
        ));
    }
    if !(60..=MAX_EXPIRES_IN_SECS).contains(&answer.expires_in) {
        return Err(DigitalOceanError::unexpected(
            status,
            "expires_in is out of range",
        ));
    }
    if !is_token_text(&answer.access_token) || !is_token_text(&answer.refresh_token) {
        return Err(DigitalOceanError::unexpected(status, "token is malformed"));
    }
    Ok(TokenGrant {
        expires_in: Duration::from_secs(answer.expires_in.unsigned_abs()),
        access_token: AccessToken::new(answer.access_token),
        refresh_token: RefreshToken::new(answer.refresh_token),
        scope: answer.scope,
        info: answer.info,
    })
}

/// An OAuth error answer: keyed on the status, then on `error`, never on
/// the description.
fn oauth_error(raw: &RawAnswer) -> DigitalOceanError {
    let (status, body) = (raw.status, raw.body.as_slice());
    if status == 429 {
        let retry_after = crate::providers::http::header_number(&raw.headers, "retry-after");
        return DigitalOceanError::new(ErrorKind::RateLimited {
            retry_after_secs: retry_after.and_then(|s| u64::try_from(s).ok()),
            reset_at: None,
        });
    }
    if status >= 500 {
        return DigitalOceanError::new(ErrorKind::ServerError { status });
    }
    let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match parsed["error"].as_str() {
        Some(code) => DigitalOceanError::new(ErrorKind::OAuth(OAuthErrorKind::from_code(code))),
        None => DigitalOceanError::unexpected(status, "OAuth error without an error code"),
    }
}

impl DigitalOceanClient {
    fn oauth_url(&self, endpoint: &str) -> String {
        format!(
            "{}/{endpoint}",
            self.config.oauth_base_url.trim_end_matches('/')
        )
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenGrant, DigitalOceanError> {
        let raw = self
            .exchange(self.http.post(self.oauth_url("token")).form(form))
            .await?;
        tracing::debug!(status = raw.status, "digitalocean token endpoint answered");
        if raw.status == 200 {
            read_grant(raw.status, &raw.body)
        } else {
            Err(oauth_error(&raw))
        }
    }

    /// The callback's code for a grant. The client secret goes in the body.
    pub async fn exchange_code(
        &self,
        app: &OAuthApp,
        code: &AuthorizationCode,
        verifier: &PkceVerifier,
    ) -> Result<TokenGrant, DigitalOceanError> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose_secret()),
            ("client_id", &app.client_id),
            ("client_secret", app.client_secret.expose_secret()),
            ("redirect_uri", &app.redirect_uri),
            ("code_verifier", verifier.expose_secret()),
        ])
        .await
    }

    /// A new pair for a refresh token; the old pair stops working.
    pub async fn refresh(
        &self,
        app: &OAuthApp,
        refresh: &RefreshToken,
    ) -> Result<TokenGrant, DigitalOceanError> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose_secret()),
            ("client_id", &app.client_id),
            ("client_secret", app.client_secret.expose_secret()),
        ])
        .await
    }

    /// Revokes a grant: its refresh token first, which ends the grant
    /// (RFC 7009 §2.1), then its access token, in case DigitalOcean kept it.
    /// An access token that went with its grant is no failure.
    pub async fn revoke_grant(
        &self,
        access: &AccessToken,
        refresh: Option<&RefreshToken>,
    ) -> Result<(), DigitalOceanError> {
        let Some(refresh) = refresh else {
            return self.revoke_token(access, access.expose_secret()).await;
        };
        self.revoke_token(access, refresh.expose_secret()).await?;
        match self.revoke_token(access, access.expose_secret()).await {
            Err(err) if matches!(err.kind, ErrorKind::OAuth(_)) => Ok(()),
            other => other,
        }
    }

    /// Revokes `token` (an access or a refresh token), authenticated by `bearer`.
    async fn revoke_token(
        &self,
        bearer: &AccessToken,
        token: &str,
    ) -> Result<(), DigitalOceanError> {
        let authorization = crate::providers::http::bearer(bearer.expose_secret())
            .ok_or_else(|| DigitalOceanError::new(ErrorKind::Transport))?;
        let request = self
            .http
            .post(self.oauth_url("revoke"))
            .header(reqwest::header::AUTHORIZATION, authorization)
            .form(&[("token", token)]);
        let raw = self.exchange(request).await?;
        tracing::debug!(status = raw.status, "digitalocean revoke answered");
        if raw.status == 200 {
            Ok(())
        } else {
            Err(oauth_error(&raw))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(change: impl FnOnce(&mut Value)) -> Vec<u8> {
        let mut value = json!({
            "access_token": "doo_v1_a", "token_type": "bearer", "expires_in": 2_592_000,
            "refresh_token": "dor_v1_r", "scope": "account:read",
            "info": { "name": "S", "email": "s@example.com", "uuid": "u", "team_uuid": "t", "team_name": "T" },
        });
        change(&mut value);
        value.to_string().into_bytes()
    }

    #[test]
    fn reads_the_documented_answer_and_refuses_any_other() {
        let grant = read_grant(200, &answer(|_| {})).unwrap();
        assert_eq!(grant.info.team_name, "T");
        assert_eq!(grant.expires_in, Duration::from_secs(2_592_000));
        assert!(read_grant(
            200,
            &answer(|v| v
                .as_object_mut()
                .map(|o| o.remove("scope"))
                .map(drop)
                .unwrap_or(()))
        )
        .is_ok());
        let broken: [fn(&mut Value); 8] = [
            |v| v["extra"] = json!(1),
            |v| v["info"]["extra"] = json!(1),
            |v| drop(v.as_object_mut().map(|o| o.remove("expires_in"))),
            |v| drop(v.as_object_mut().map(|o| o.remove("refresh_token"))),
            |v| v["expires_in"] = json!(10_000_000_000_i64),
            |v| v["expires_in"] = json!(-5),
            |v| v["token_type"] = json!("mac"),
            |v| v["access_token"] = json!("has space"),
        ];
        for change in broken {
            let body = answer(change);
            let err = read_grant(200, &body).unwrap_err();
            assert!(
                matches!(err.kind, ErrorKind::UnexpectedAnswer { .. }),
                "{}",
                String::from_utf8_lossy(&body)
            );
            assert!(!err.to_string().contains("doo_v1_a"));
        }
        assert!(read_grant(200, b"<html>").is_err());
    }

    #[test]
    fn the_authorize_url_asks_for_the_least_scopes_with_pkce() {
        let config = DigitalOceanConfig::default();
        let app = OAuthApp {
            client_id: "id".into(),
            client_secret: super::super::ClientSecret::new("secret"),
            redirect_uri: "https://potions.example/connect/digitalocean/callback".into(),
        };
        let pkce = Pkce::generate();
        let url = authorize_url(&config, &app, "st", &pkce.challenge);
        assert!(url
            .starts_with("https://cloud.digitalocean.com/v1/oauth/authorize?response_type=code&"));
        assert!(url.contains("code_challenge_method=S256") && url.contains("account%3Aread"));
        assert!(!url.contains("secret") && !url.contains("scope=read+write"));
        assert_eq!(
            Pkce::challenge_of(pkce.verifier.expose_secret()),
            pkce.challenge
        );
        assert_eq!(pkce.challenge.len(), 43);
    }
}
