//! Server functions called with their real argument type and read back as
//! their real answer type, as the app does from the browser: a renamed
//! field fails to compile here, not at run time.

use app::error::AppError;
use leptos::server_fn::ServerFn;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, ORIGIN};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::TestApp;

/// A server function's answer: the status, and the value or the refusal.
pub struct Answer<T> {
    pub status: StatusCode,
    pub result: Result<T, AppError>,
}

impl<T> Answer<T> {
    /// The value of a call that must succeed.
    #[track_caller]
    pub fn ok(self) -> T {
        match self.result {
            Ok(value) if self.status == StatusCode::OK => value,
            Ok(_) => panic!("expected success, got {} with a value", self.status),
            Err(err) => panic!("expected success, got {} {err:?}", self.status),
        }
    }

    /// The refusal of a call that must fail.
    #[track_caller]
    pub fn refused(self) -> AppError {
        match self.result {
            Err(err) => err,
            // No value is printed: some answers (a ceremony's id) must not be.
            Ok(_) => panic!("expected a refusal, got {} with a value", self.status),
        }
    }
}

impl TestApp {
    /// Calls server function `F` with `args` as the signed-in browser of
    /// `cookie` would (same origin, form-encoded, JSON answer).
    pub async fn invoke<F>(&self, args: F, cookie: &str) -> Answer<F::Output>
    where
        F: ServerFn<Error = AppError> + Serialize,
        F::Output: DeserializeOwned,
    {
        let body = serde_qs::to_string(&args).expect("arguments encode as a form");
        let res = self
            .client
            .post(self.url(F::PATH))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ORIGIN, self.url(""))
            .header(COOKIE, cookie)
            .body(body)
            .send()
            .await
            .expect("POST");
        let status = res.status();
        let text = res.text().await.expect("body");
        let result = if status.is_success() {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{} answered {text:?}: {err}", F::PATH)))
        } else {
            Err(serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{} refused with {text:?}: {err}", F::PATH)))
        };
        Answer { status, result }
    }
}
