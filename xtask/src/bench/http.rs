//! The one HTTP helper the benchmarks use: a request over a fresh
//! connection, to Potions or to the fake, with forms percent-encoded.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::Result;

/// An answer: status, the header block, the body.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    /// The first value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// A server at `addr` (`127.0.0.1:port`), spoken to with HTTP/1.1.
#[derive(Clone, Copy)]
pub struct Host(pub &'static str);

impl Host {
    pub fn url(self, path: &str) -> String {
        format!("http://{}{path}", self.0)
    }

    pub fn request(
        self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Answer> {
        let mut stream = TcpStream::connect(self.0).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.0,
            body.len()
        );
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .map_err(|e| e.to_string())?;
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(Answer {
            status,
            head: head.to_string(),
            body: body.to_string(),
        })
    }

    pub fn get_page(self, path: &str, cookie: &str) -> Result<Answer> {
        self.request(
            "GET",
            path,
            &[("Cookie", cookie), ("Accept", "text/html")],
            "",
        )
    }

    /// A form post as a browser without JavaScript sends it.
    pub fn post_form(self, path: &str, pairs: &[(&str, &str)], cookie: &str) -> Result<Answer> {
        let origin = self.url("");
        let referer = self.url("/");
        self.request(
            "POST",
            path,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "text/html"),
                ("Origin", &origin),
                ("Referer", &referer),
                ("Cookie", cookie),
            ],
            &form_body(pairs),
        )
    }

    pub fn send_json(self, method: &str, path: &str, json: &str) -> Result<Answer> {
        self.request(method, path, &[("Content-Type", "application/json")], json)
    }
}

/// `application/x-www-form-urlencoded`: every byte but unreserved ones escaped.
fn form_body(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_percent_encoded() {
        assert_eq!(
            form_body(&[("email", "a+b@example.com"), ("password", "x y&z")]),
            "email=a%2Bb%40example.com&password=x%20y%26z"
        );
    }

    #[test]
    fn headers_are_found_whatever_their_case() {
        let answer = Answer {
            status: 302,
            head: "HTTP/1.1 302 Found\r\nlocation: /?connected=Ab\r\nSet-Cookie: s=1; Path=/"
                .into(),
            body: String::new(),
        };
        assert_eq!(answer.header("Location"), Some("/?connected=Ab"));
        assert_eq!(answer.header("set-cookie"), Some("s=1; Path=/"));
        assert_eq!(answer.header("etag"), None);
    }
}
