//! What comes back from Hetzner besides the value, and what goes with a list call.

pub use crate::providers::http::RateLimit;

/// Hetzner's largest page.
pub const MAX_PER_PAGE: i64 = 50;

/// A successful answer with what came with it.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub value: T,
    pub rate_limit: Option<RateLimit>,
    pub correlation_id: Option<String>,
}

impl<T> Answer<T> {
    pub(super) fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
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
    pub(super) fn query(&self) -> Vec<(&'static str, String)> {
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
