//! A started fake with a user, two teams, an app, and a client to call it.

use digitalocean_fake::{App, FakeConfig, FakeDigitalOcean, FakeTokens, FakeUser};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const REDIRECT_URI: &str = "http://127.0.0.1:9/connect/digitalocean/callback";
pub const POTIONS_SCOPES: &[&str] = &[
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

/// A well-formed OpenSSH ed25519 public key, different for each `seed`.
pub fn ed25519_key(seed: u8) -> String {
    use base64::Engine as _;
    let mut blob = Vec::new();
    blob.extend_from_slice(&11u32.to_be_bytes());
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&32u32.to_be_bytes());
    blob.extend_from_slice(&[seed; 32]);
    format!(
        "ssh-ed25519 {} key-{seed}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

pub struct Setup {
    pub fake: FakeDigitalOcean,
    pub user: FakeUser,
    pub app: App,
    pub http: reqwest::Client,
}

impl Setup {
    pub async fn new(config: FakeConfig) -> Self {
        let fake = FakeDigitalOcean::start(config).await.unwrap();
        let user = fake.add_user(
            "sammy@example.com",
            "correct horse",
            &["Sammy's team", "Acme"],
        );
        let app = fake.add_app("Potions", REDIRECT_URI);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            fake,
            user,
            app,
            http,
        }
    }

    pub async fn started() -> Self {
        Self::new(FakeConfig::default()).await
    }

    /// Tokens for the first team with Potions' scopes (or `scopes`).
    pub fn tokens(&self, scopes: &[&str]) -> FakeTokens {
        self.fake
            .grant(&self.app, &self.user, &self.user.teams[0], scopes)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.fake.api_base_url()))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, headers, value)
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.fake.api_base_url()))
            .form(form)
            .send()
            .await
            .unwrap()
    }
}
