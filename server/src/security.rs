//! Request guards every route shares: cross-site request rejection and
//! security headers.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    HeaderName, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ORIGIN, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;

/// The origins (`scheme://host[:port]`) users reach Potions at: the
/// configured public URL's, or, when none is configured, the listening
/// address's (and `localhost` for a loopback one). Nothing else, whatever the
/// `Host` header says: a rebound DNS name must not pass.
#[derive(Clone, Debug)]
pub struct PublicOrigins(pub Arc<[String]>);

impl PublicOrigins {
    pub fn new(public_url: Option<&str>, listening: SocketAddr) -> Self {
        let origins = match public_url {
            Some(url) => vec![origin_of(url)],
            None => {
                let port = listening.port();
                let mut origins = vec![format!("http://{listening}")];
                if listening.ip().is_loopback() {
                    origins.push(format!("http://localhost:{port}"));
                }
                origins
            }
        };
        Self(origins.into())
    }

    fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o == origin)
    }
}

/// `https://potions.example/app/` → `https://potions.example`.
fn origin_of(url: &str) -> String {
    let url = url.trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or(rest);
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => url.to_string(),
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a state-changing request came from another site. Browsers send
/// `Sec-Fetch-Site` and `Origin`; requests without either (curl, server to
/// server) carry no ambient cookies from a victim's browser and pass.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, ours: &PublicOrigins) -> bool {
    if is_safe_method(method) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin") | Ok("none")) {
            return true;
        }
    }
    match headers.get(ORIGIN).map(|o| o.to_str()) {
        None => false,
        Some(Ok(origin)) => !ours.contains(origin),
        Some(Err(_)) => true,
    }
}

pub async fn reject_cross_site(
    State(origins): State<PublicOrigins>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers(), &origins) {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "cross-site request rejected");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether Potions is served over https: then browsers are told to use
/// nothing else (`Strict-Transport-Security`).
#[derive(Clone, Copy, Debug)]
pub struct ServedOverHttps(pub bool);

/// Pages and server-function answers can hold a user's data: no cache, shared
/// or private, may keep them. Static assets (`/pkg`, the favicon) may be cached.
fn is_private(is_server_function: bool, response: &Response) -> bool {
    is_server_function
        || response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
}

/// Headers on every response. Pages set their own Content-Security-Policy
/// with a per-response nonce; everything else gets the strictest one.
pub async fn security_headers(
    State(https): State<ServedOverHttps>,
    request: Request,
    next: Next,
) -> Response {
    let is_server_function = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if is_private(is_server_function, &response) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let headers = response.headers_mut();
    if https.0 {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> PublicOrigins {
        PublicOrigins::new(
            Some("https://Potions.example/"),
            SocketAddr::from(([0, 0, 0, 0], 80)),
        )
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn safe_methods_always_pass() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(!is_cross_site(&Method::GET, &h, &ours()));
    }

    #[test]
    fn posts_from_another_site_are_cross_site() {
        for h in [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://a.potions.example"),
            ]),
            headers(&[("origin", "null")]),
            // DNS rebinding: the browser thinks it is on evil.example, which
            // now resolves to us; Host and Origin agree, and neither is ours.
            headers(&[
                ("origin", "http://evil.example:4000"),
                ("host", "evil.example:4000"),
            ]),
        ] {
            assert!(is_cross_site(&Method::POST, &h, &ours()), "{h:?}");
        }
    }

    #[test]
    fn posts_from_our_origins_pass() {
        for h in [
            headers(&[
                ("origin", "https://potions.example"),
                ("sec-fetch-site", "same-origin"),
            ]),
            headers(&[]),
        ] {
            assert!(!is_cross_site(&Method::POST, &h, &ours()), "{h:?}");
        }
    }

    #[test]
    fn without_a_public_url_the_listening_address_is_ours() {
        let local = PublicOrigins::new(None, SocketAddr::from(([127, 0, 0, 1], 4000)));
        for origin in ["http://127.0.0.1:4000", "http://localhost:4000"] {
            let h = HeaderMap::from_iter([(ORIGIN, HeaderValue::from_static(origin))]);
            assert!(!is_cross_site(&Method::POST, &h, &local), "{origin}");
        }
        let h = HeaderMap::from_iter([(ORIGIN, HeaderValue::from_static("http://localhost:4001"))]);
        assert!(is_cross_site(&Method::POST, &h, &local));
    }
}
