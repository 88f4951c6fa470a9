//! A form post as a browser without JavaScript sends it.

use reqwest::header::{ACCEPT, COOKIE, ORIGIN, REFERER};
use reqwest::{Client, RequestBuilder};

/// Same origin, `Accept: text/html`, a Referer naming the page the form is
/// on (`referer` is a path on `base`), and the session cookie if any.
pub fn form_post(
    client: &Client,
    base: &str,
    path: &str,
    referer: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> RequestBuilder {
    let request = client
        .post(format!("{base}{path}"))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, base)
        .header(REFERER, format!("{base}{referer}"))
        .form(form);
    match cookie {
        Some(cookie) => request.header(COOKIE, cookie),
        None => request,
    }
}
