//! The Hetzner Cloud API client: one shared connection pool, timeouts on
//! every call, a cap on answer size, typed errors, and retries that never
//! repeat a write that may have been applied.

use reqwest::header::AUTHORIZATION;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::{Duration, Instant};

use super::answer::{Answer, ListParams, RateLimit, MAX_PER_PAGE};
use super::config::ClientConfig;
use super::error::{ErrorKind, HetznerError};
use super::token::ApiToken;
use super::types::Page;
use crate::providers::http::{self as provider_http, ReadFailure};

/// No list Potions reads should be longer than this many pages…
const MAX_PAGES: i64 = 200;
/// …or hold more items (a cap on memory whatever the page size).
const MAX_LISTED_ITEMS: usize = 10_000;

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
        let http = provider_http::http_client(config.connect_timeout, config.request_timeout)
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
        let authorization = provider_http::bearer(token.expose_secret())
            .ok_or_else(|| HetznerError::new(ErrorKind::Transport))?;
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, authorization)
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

        let bytes = provider_http::read_capped(&mut response, self.config.max_response_bytes)
            .await
            .map_err(|failure| {
                with_id(match failure {
                    ReadFailure::TooLarge => ErrorKind::UnexpectedAnswer {
                        status,
                        detail: "answer too large".into(),
                    },
                    ReadFailure::Timeout => ErrorKind::Timeout,
                    ReadFailure::Transport => ErrorKind::Transport,
                })
            })?;
        let shown_id = correlation_id.as_deref().unwrap_or("");
        tracing::debug!(%method, path, status, correlation_id = shown_id, "hetzner answered");

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
        let shown_id = err.correlation_id.as_deref().unwrap_or("");
        tracing::warn!(%method, path, status, correlation_id = shown_id, error = ?err.kind, "hetzner refused");
        Err(err)
    }

    /// Sends with retries. A call that may have been applied (POST) repeats
    /// only on answers that say nothing was done (429, `conflict`).
    pub(super) async fn send(
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
                    .max(self.config.retry.backoff(attempt)),
                _ => self.config.retry.backoff(attempt),
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

    pub(super) async fn get_json(
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

    pub(super) fn field<T: DeserializeOwned>(
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

    pub(super) async fn list<T: DeserializeOwned>(
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
    pub(super) async fn list_all<T: DeserializeOwned>(
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
        // All pages together end by twice one call's deadline.
        let deadline = Instant::now() + self.config.retry.deadline * 2;
        for _ in 0..MAX_PAGES {
            if Instant::now() > deadline {
                return Err(HetznerError::new(ErrorKind::Timeout));
            }
            let answer = self.list::<T>(token, path, key, &params).await?;
            let next = answer.value.pagination.as_ref().and_then(|p| p.next_page);
            let meta = Answer {
                value: (),
                rate_limit: answer.rate_limit,
                correlation_id: answer.correlation_id,
            };
            all.extend(answer.value.items);
            if all.len() > MAX_LISTED_ITEMS {
                return Err(HetznerError::new(ErrorKind::UnexpectedAnswer {
                    status: 200,
                    detail: "too many items".into(),
                }));
            }
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
}
