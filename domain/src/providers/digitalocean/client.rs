//! The API v2 client: one shared connection pool, timeouts on every call,
//! a cap on answer size, typed errors, retries that never repeat a write
//! that may have been applied, and paging that follows only sane links.

use reqwest::header::AUTHORIZATION;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::config::DigitalOceanConfig;
use super::error::{DigitalOceanError, ErrorKind};
use super::secrets::AccessToken;
use crate::providers::http::{self as provider_http, RateLimit, ReadFailure};

/// No list Potions reads holds more items than this (a cap on memory).
const MAX_LISTED_ITEMS: usize = 10_000;
/// DigitalOcean's largest page.
const PER_PAGE: u32 = 200;

/// A successful answer with what came with it.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub value: T,
    pub rate_limit: Option<RateLimit>,
    pub request_id: Option<String>,
}

impl<T> Answer<T> {
    pub(super) fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: f(self.value),
            rate_limit: self.rate_limit,
            request_id: self.request_id,
        }
    }
}

/// An answer as it came: status, headers and the (capped) body.
pub(super) struct RawAnswer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct DigitalOceanClient {
    pub(super) http: reqwest::Client,
    pub(super) config: Arc<DigitalOceanConfig>,
}

impl DigitalOceanClient {
    pub fn new(config: DigitalOceanConfig) -> Result<Self, DigitalOceanError> {
        let http = provider_http::http_client(config.connect_timeout, config.request_timeout)
            .map_err(|_| DigitalOceanError::new(ErrorKind::Transport))?;
        Ok(Self {
            http,
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &DigitalOceanConfig {
        &self.config
    }

    /// Sends a request and reads its answer under the size cap.
    pub(super) async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<RawAnswer, DigitalOceanError> {
        let failed = |failure: ReadFailure| {
            DigitalOceanError::new(match failure {
                ReadFailure::Timeout => ErrorKind::Timeout,
                ReadFailure::Transport => ErrorKind::Transport,
                ReadFailure::TooLarge => ErrorKind::UnexpectedAnswer {
                    status: 0,
                    detail: "answer too large".into(),
                },
            })
        };
        let mut response = request
            .send()
            .await
            .map_err(|e| failed(ReadFailure::of(&e)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = provider_http::read_capped(&mut response, self.config.max_response_bytes)
            .await
            .map_err(failed)?;
        Ok(RawAnswer {
            status,
            headers,
            body,
        })
    }

    /// One attempt against the API at `url` (absolute).
    async fn attempt(
        &self,
        token: &AccessToken,
        method: &Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Answer<Option<Value>>, DigitalOceanError> {
        let authorization = provider_http::bearer(token.expose_secret())
            .ok_or_else(|| DigitalOceanError::new(ErrorKind::Transport))?;
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, authorization);
        if let Some(body) = body {
            request = request.json(body);
        }
        let raw = self.exchange(request).await?;
        let rate_limit = RateLimit::from_headers(&raw.headers);
        let header_id = raw
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let path = url
            .strip_prefix(self.config.api_base_url.trim_end_matches('/'))
            .unwrap_or("");
        let path = path.split('?').next().unwrap_or("");
        let status = raw.status;
        if (200..300).contains(&status) {
            let shown_id = header_id.as_deref().unwrap_or("");
            tracing::debug!(%method, path, status, request_id = shown_id, "digitalocean answered");
            let value = if raw.body.is_empty() {
                None
            } else {
                let parsed = serde_json::from_slice(&raw.body).map_err(|_| DigitalOceanError {
                    kind: ErrorKind::UnexpectedAnswer {
                        status,
                        detail: "answer is not JSON".into(),
                    },
                    request_id: header_id.clone(),
                })?;
                Some(parsed)
            };
            return Ok(Answer {
                value,
                rate_limit,
                request_id: header_id,
            });
        }
        let parsed: Value = serde_json::from_slice(&raw.body).unwrap_or(Value::Null);
        // The usual shape is `{id, message, request_id}`; a few endpoints use
        // `{error, messages, root_causes}`.
        let id = parsed["id"].as_str().or_else(|| parsed["error"].as_str());
        let message = parsed["message"]
            .as_str()
            .or_else(|| parsed["messages"][0].as_str())
            .unwrap_or("");
        let mut kind = DigitalOceanError::kind_for(status, id, message);
        if let ErrorKind::RateLimited {
            retry_after_secs,
            reset_at,
        } = &mut kind
        {
            *retry_after_secs = provider_http::header_number(&raw.headers, "retry-after")
                .and_then(|s| u64::try_from(s).ok());
            *reset_at = rate_limit.map(|r| r.reset_at);
        }
        let request_id = parsed["request_id"]
            .as_str()
            .map(str::to_string)
            .or(header_id);
        let err = DigitalOceanError { kind, request_id };
        let shown_id = err.request_id.as_deref().unwrap_or("");
        tracing::warn!(%method, path, status, request_id = shown_id, error = ?err.kind, "digitalocean refused");
        Err(err)
    }

    /// Sends with retries. A POST repeats only on a 429, which says nothing was done.
    pub(super) async fn send(
        &self,
        token: &AccessToken,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Answer<Option<Value>>, DigitalOceanError> {
        let idempotent = method != Method::POST;
        let policy = &self.config.retry;
        let deadline = Instant::now() + policy.deadline;
        let mut attempt = 0;
        loop {
            let err = match self.attempt(token, &method, url, body).await {
                Ok(answer) => return Ok(answer),
                Err(err) => err,
            };
            attempt += 1;
            if attempt >= policy.max_attempts || !err.is_retryable(idempotent) {
                return Err(err);
            }
            let wait = match err.kind {
                ErrorKind::RateLimited {
                    retry_after_secs: Some(secs),
                    ..
                } => Duration::from_secs(secs),
                ErrorKind::RateLimited {
                    reset_at: Some(reset),
                    ..
                } => Duration::from_secs(
                    u64::try_from(reset - crate::clock::now_unix()).unwrap_or(0),
                ),
                _ => Duration::ZERO,
            }
            .max(policy.backoff(attempt));
            if Instant::now() + wait > deadline {
                return Err(err);
            }
            tracing::info!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying digitalocean call"
            );
            tokio::time::sleep(wait).await;
        }
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base_url.trim_end_matches('/'))
    }

    /// A JSON answer that must have a body.
    pub(super) async fn call(
        &self,
        token: &AccessToken,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer<Value>, DigitalOceanError> {
        let answer = self.send(token, method, &self.url(path), body).await?;
        match answer.value {
            Some(_) => Ok(answer.map(Option::unwrap_or_default)),
            None => Err(DigitalOceanError {
                request_id: answer.request_id,
                ..DigitalOceanError::unexpected(200, "empty answer")
            }),
        }
    }

    /// The value under `key`, typed.
    pub(super) fn field<T: DeserializeOwned>(
        answer: Answer<Value>,
        key: &str,
    ) -> Result<Answer<T>, DigitalOceanError> {
        let request_id = answer.request_id.clone();
        let value = answer.value.get(key).cloned().unwrap_or(Value::Null);
        let typed = serde_json::from_value(value).map_err(|e| DigitalOceanError {
            request_id,
            ..DigitalOceanError::unexpected(200, &format!("unexpected `{key}`: {e}"))
        })?;
        Ok(answer.map(|_| typed))
    }

    /// Every item of a list, following `links.pages.next` while it points
    /// onward on the same list (a link elsewhere, or back, is refused), up to
    /// the page cap and within twice one call's deadline.
    pub(super) async fn list_all<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        path: &str,
        key: &str,
    ) -> Result<Answer<Vec<T>>, DigitalOceanError> {
        let list_url = self.url(path.split('?').next().unwrap_or(path));
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{}{separator}per_page={PER_PAGE}", self.url(path));
        let mut page = 1;
        let mut all = Vec::new();
        let deadline = Instant::now() + self.config.retry.deadline * 2;
        for _ in 0..self.config.max_pages {
            if Instant::now() > deadline {
                return Err(DigitalOceanError::new(ErrorKind::Timeout));
            }
            let answer = self.send(token, Method::GET, &url, None).await?;
            let value = answer.value.clone().unwrap_or_default();
            let next = value
                .pointer("/links/pages/next")
                .and_then(Value::as_str)
                .map(str::to_string);
            let items = Self::field::<Vec<T>>(answer.map(|_| value), key)?;
            all.extend(items.value);
            if all.len() > MAX_LISTED_ITEMS {
                return Err(DigitalOceanError::unexpected(200, "too many items"));
            }
            let Some(next) = next else {
                return Ok(Answer {
                    value: all,
                    rate_limit: items.rate_limit,
                    request_id: items.request_id,
                });
            };
            let next_page = next_page_number(&next, &list_url)
                .filter(|n| *n > page)
                .ok_or_else(|| {
                    DigitalOceanError::unexpected(200, "a next-page link that does not lead onward")
                })?;
            page = next_page;
            url = next;
        }
        Err(DigitalOceanError::unexpected(200, "too many pages"))
    }
}

/// The `page` of a next link on the same list, or `None` for a link elsewhere.
fn next_page_number(link: &str, list_url: &str) -> Option<u32> {
    let query = link.strip_prefix(list_url)?.strip_prefix('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::next_page_number;

    #[test]
    fn next_links_must_stay_on_the_list() {
        let list = "https://api.digitalocean.com/v2/droplets";
        assert_eq!(
            next_page_number(&format!("{list}?page=2&per_page=200"), list),
            Some(2)
        );
        assert_eq!(
            next_page_number("https://evil.example/v2/droplets?page=2", list),
            None
        );
        assert_eq!(
            next_page_number(&format!("{list}/../account?page=2"), list),
            None
        );
        assert_eq!(
            next_page_number(&format!("{list}?per_page=200"), list),
            None
        );
        assert_eq!(next_page_number(&format!("{list}?page=x"), list), None);
    }
}
