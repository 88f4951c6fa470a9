//! The Hetzner Cloud API client: one shared connection pool, timeouts on
//! every call, a cap on answer size, typed errors, and retries that never
//! repeat a write that may have been applied.

use rand::Rng as _;
use reqwest::header::{HeaderMap, AUTHORIZATION};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

use super::error::{ErrorKind, HetznerError};
use super::token::ApiToken;
use super::types::*;

pub const DEFAULT_BASE_URL: &str = "https://api.hetzner.cloud/v1";
/// Hetzner's largest page.
pub const MAX_PER_PAGE: i64 = 50;
/// No list Potions reads should be longer than this many pages.
const MAX_PAGES: i64 = 200;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A call (all attempts and waits) ends by this deadline.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            deadline: Duration::from_secs(20),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Per attempt, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            max_response_bytes: 8 * 1024 * 1024,
            retry: RetryPolicy::default(),
        }
    }
}

/// The rate-limit headers of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// UNIX seconds when the allowance is full again.
    pub reset_at: i64,
}

impl RateLimit {
    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<i64>().ok();
        Some(Self {
            limit: u64::try_from(number("ratelimit-limit")?).ok()?,
            remaining: u64::try_from(number("ratelimit-remaining")?).ok()?,
            reset_at: number("ratelimit-reset")?,
        })
    }
}

/// A successful answer with what came with it.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub value: T,
    pub rate_limit: Option<RateLimit>,
    pub correlation_id: Option<String>,
}

impl<T> Answer<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: f(self.value),
            rate_limit: self.rate_limit,
            correlation_id: self.correlation_id,
        }
    }
}

/// Filters and paging for list calls; unset fields are not sent.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    pub name: Option<String>,
    pub label_selector: Option<String>,
    pub fingerprint: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub image_type: Option<String>,
    pub architecture: Option<String>,
}

impl ListParams {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let mut put = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v {
                q.push((k, v.clone()));
            }
        };
        put("name", &self.name);
        put("label_selector", &self.label_selector);
        put("fingerprint", &self.fingerprint);
        put("status", &self.status);
        put("sort", &self.sort);
        put("type", &self.image_type);
        put("architecture", &self.architecture);
        if let Some(p) = self.page {
            q.push(("page", p.to_string()));
        }
        if let Some(p) = self.per_page {
            q.push(("per_page", p.clamp(1, MAX_PER_PAGE).to_string()));
        }
        q
    }
}

fn now_unix() -> i64 {
    crate::clock::now_unix()
}

#[derive(Clone, Debug)]
pub struct HetznerClient {
    http: reqwest::Client,
    config: std::sync::Arc<ClientConfig>,
}

impl HetznerClient {
    pub fn new(config: ClientConfig) -> Result<Self, HetznerError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("potions/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| HetznerError::new(ErrorKind::Transport))?;
        Ok(Self {
            http,
            config: std::sync::Arc::new(config),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// One attempt: send, read at most `max_response_bytes`, classify.
    async fn attempt(
        &self,
        token: &ApiToken,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer<Option<Value>>, HetznerError> {
        let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
            .query(query);
        if let Some(body) = body {
            request = request.json(body);
        }
        let mut response = request.send().await.map_err(|e| {
            HetznerError::new(if e.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Transport
            })
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let correlation_id = headers
            .get("x-correlation-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let rate_limit = RateLimit::from_headers(&headers);
        let with_id = |kind: ErrorKind| HetznerError {
            kind,
            correlation_id: correlation_id.clone(),
        };

        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > self.config.max_response_bytes {
                        return Err(with_id(ErrorKind::UnexpectedAnswer {
                            status,
                            detail: "answer too large".into(),
                        }));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(with_id(if e.is_timeout() {
                        ErrorKind::Timeout
                    } else {
                        ErrorKind::Transport
                    }))
                }
            }
        }
        tracing::debug!(%method, path, status, correlation_id = correlation_id.as_deref().unwrap_or(""), "hetzner answered");

        if (200..300).contains(&status) {
            if bytes.is_empty() {
                return Ok(Answer {
                    value: None,
                    rate_limit,
                    correlation_id,
                });
            }
            let value = serde_json::from_slice(&bytes).map_err(|_| {
                with_id(ErrorKind::UnexpectedAnswer {
                    status,
                    detail: "answer is not JSON".into(),
                })
            })?;
            return Ok(Answer {
                value: Some(value),
                rate_limit,
                correlation_id,
            });
        }
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        let kind = match parsed.as_ref().and_then(|v| v["error"]["code"].as_str()) {
            Some(code) => match HetznerError::from_code(
                code,
                status,
                &parsed
                    .as_ref()
                    .map(|v| v["error"]["details"].clone())
                    .unwrap_or(Value::Null),
            ) {
                ErrorKind::RateLimited { .. } => ErrorKind::RateLimited {
                    reset_at: rate_limit.map(|r| r.reset_at),
                },
                kind => kind,
            },
            None if status >= 500 => ErrorKind::ServerError { status },
            None => ErrorKind::UnexpectedAnswer {
                status,
                detail: "error answer without an error code".into(),
            },
        };
        let err = with_id(kind);
        tracing::warn!(%method, path, status, correlation_id = err.correlation_id.as_deref().unwrap_or(""), error = ?err.kind, "hetzner refused");
        Err(err)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let policy = &self.config.retry;
        let exp = policy.base_delay.saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(policy.max_delay);
        // Full jitter: anywhere from nothing to the capped delay.
        capped.mul_f64(rand::thread_rng().gen_range(0.0..=1.0))
    }

    /// Sends with retries. A call that may have been applied (POST) repeats
    /// only on answers that say nothing was done (429, `conflict`).
    async fn send(
        &self,
        token: &ApiToken,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer<Option<Value>>, HetznerError> {
        let idempotent = method != Method::POST;
        let deadline = Instant::now() + self.config.retry.deadline;
        let mut attempt = 0;
        loop {
            let err = match self.attempt(token, &method, path, query, body).await {
                Ok(answer) => return Ok(answer),
                Err(err) => err,
            };
            attempt += 1;
            if attempt >= self.config.retry.max_attempts || !err.is_retryable(idempotent) {
                return Err(err);
            }
            let wait = match err.kind {
                ErrorKind::RateLimited {
                    reset_at: Some(reset),
                } => Duration::from_secs(u64::try_from(reset - now_unix()).unwrap_or(0))
                    .max(self.backoff(attempt)),
                _ => self.backoff(attempt),
            };
            if Instant::now() + wait > deadline {
                return Err(err);
            }
            tracing::info!(
                path,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying hetzner call"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn get_json(
        &self,
        token: &ApiToken,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Answer<Value>, HetznerError> {
        let answer = self.send(token, Method::GET, path, query, None).await?;
        let missing = HetznerError {
            kind: ErrorKind::UnexpectedAnswer {
                status: 200,
                detail: "empty answer".into(),
            },
            correlation_id: answer.correlation_id.clone(),
        };
        match answer.value {
            Some(_) => Ok(answer.map(Option::unwrap_or_default)),
            None => Err(missing),
        }
    }

    fn field<T: DeserializeOwned>(
        answer: Answer<Value>,
        key: &str,
    ) -> Result<Answer<T>, HetznerError> {
        let correlation_id = answer.correlation_id.clone();
        let value = serde_json::from_value(answer.value.get(key).cloned().unwrap_or(Value::Null))
            .map_err(|e| HetznerError {
            kind: ErrorKind::UnexpectedAnswer {
                status: 200,
                detail: format!("unexpected `{key}`: {e}"),
            },
            correlation_id,
        })?;
        Ok(Answer {
            value,
            rate_limit: answer.rate_limit,
            correlation_id: answer.correlation_id,
        })
    }

    async fn list<T: DeserializeOwned>(
        &self,
        token: &ApiToken,
        path: &str,
        key: &str,
        params: &ListParams,
    ) -> Result<Answer<Page<T>>, HetznerError> {
        let answer = self.get_json(token, path, &params.query()).await?;
        let pagination = answer
            .value
            .pointer("/meta/pagination")
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok());
        Ok(Self::field::<Vec<T>>(answer, key)?.map(|items| Page { items, pagination }))
    }

    /// Every item of a list, following `next_page` to the end (bounded).
    async fn list_all<T: DeserializeOwned>(
        &self,
        token: &ApiToken,
        path: &str,
        key: &str,
        params: &ListParams,
    ) -> Result<Answer<Vec<T>>, HetznerError> {
        let mut params = ListParams {
            per_page: Some(MAX_PER_PAGE),
            page: Some(1),
            ..params.clone()
        };
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let answer = self.list::<T>(token, path, key, &params).await?;
            let next = answer.value.pagination.as_ref().and_then(|p| p.next_page);
            let meta = Answer {
                value: (),
                rate_limit: answer.rate_limit,
                correlation_id: answer.correlation_id,
            };
            all.extend(answer.value.items);
            match next {
                Some(page) if Some(page) > params.page => params.page = Some(page),
                _ => return Ok(meta.map(|()| all)),
            }
        }
        Err(HetznerError::new(ErrorKind::UnexpectedAnswer {
            status: 200,
            detail: "too many pages".into(),
        }))
    }

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
        let answer = answer.map(Option::unwrap_or_default);
        let correlation_id = answer.correlation_id.clone();
        let created = serde_json::from_value(answer.value.clone()).map_err(|e| HetznerError {
            kind: ErrorKind::UnexpectedAnswer {
                status: 201,
                detail: format!("unexpected create answer: {e}"),
            },
            correlation_id,
        })?;
        Ok(answer.map(|_| created))
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
