//! Request guards every route shares: cross-site request rejection and
//! security headers.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    HeaderName, CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use std::sync::Arc;

/// The origin (`scheme://host[:port]`) users reach Potions at.
#[derive(Clone, Debug)]
pub struct PublicOrigin(pub Arc<str>);

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a state-changing request came from another site. Browsers send
/// `Sec-Fetch-Site` and `Origin`; requests without either (curl, server to
/// server) carry no ambient cookies from a victim's browser and pass.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, public_origin: &str) -> bool {
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
        Some(Ok(origin)) => {
            let host_origin = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .map(|host| (format!("http://{host}"), format!("https://{host}")));
            let matches_host =
                host_origin.is_some_and(|(http, https)| origin == http || origin == https);
            !(origin == public_origin || matches_host)
        }
        Some(Err(_)) => true,
    }
}

pub async fn reject_cross_site(
    State(origin): State<PublicOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers(), &origin.0) {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "cross-site request rejected");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Headers on every response. Pages set their own Content-Security-Policy
/// with a per-response nonce; everything else gets the strictest one.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
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

    const PUBLIC: &str = "https://potions.example";

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
        assert!(!is_cross_site(&Method::GET, &h, PUBLIC));
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
        ] {
            assert!(is_cross_site(&Method::POST, &h, PUBLIC), "{h:?}");
        }
    }

    #[test]
    fn posts_from_our_origin_or_host_pass() {
        for h in [
            headers(&[
                ("origin", "https://potions.example"),
                ("sec-fetch-site", "same-origin"),
            ]),
            headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:4000"),
            ]),
            headers(&[]),
        ] {
            assert!(!is_cross_site(&Method::POST, &h, PUBLIC), "{h:?}");
        }
    }
}
