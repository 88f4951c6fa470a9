//! A software passkey that answers the server's WebAuthn ceremonies as a
//! browser would, at `http://localhost:<port>` (WebAuthn needs a domain).

use reqwest::header::{ACCEPT, COOKIE, ORIGIN};
use reqwest::StatusCode;
use serde_json::Value;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs_proto::{CreationChallengeResponse, RequestChallengeResponse};

use app::auth::PasskeyChallenge;

use super::{
    path_of, BeginPasskeyRegistration, BeginPasskeySignIn, FinishPasskeyRegistration,
    FinishPasskeySignIn, TestApp, PASSWORD,
};

pub struct Authenticator {
    /// Claims user verification, as a phone's screen lock would.
    device: SoftPasskey,
    origin: url::Url,
}

impl Authenticator {
    pub fn new(app: &TestApp) -> Self {
        let port = url::Url::parse(&app.base_url).unwrap().port().unwrap();
        Self {
            device: SoftPasskey::new(true),
            origin: url::Url::parse(&format!("http://localhost:{port}")).unwrap(),
        }
    }

    /// The new credential's JSON for the server's registration `options`.
    pub fn create(&mut self, options: &str) -> String {
        let options: CreationChallengeResponse = serde_json::from_str(options).unwrap();
        let credential = self
            .device
            .do_registration(self.origin.clone(), options)
            .unwrap();
        serde_json::to_string(&credential).unwrap()
    }

    /// The assertion's JSON for the server's sign-in `options`, which
    /// `tamper` may change first (as a hostile browser could).
    pub fn get(&mut self, options: &str, tamper: impl FnOnce(&mut Value)) -> String {
        let mut options: Value = serde_json::from_str(options).unwrap();
        tamper(&mut options);
        let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
        let assertion = self
            .device
            .do_authentication(self.origin.clone(), options)
            .unwrap();
        serde_json::to_string(&assertion).unwrap()
    }

    /// Adds a passkey named `name` to the signed-in account: the answer of
    /// the finishing call (the first recovery codes, or none).
    pub async fn register(&mut self, app: &TestApp, cookie: &str, name: &str) -> Vec<String> {
        let begin = BeginPasskeyRegistration {
            name: name.into(),
            password: PASSWORD.into(),
        };
        let challenge = app.invoke(begin, cookie).await.ok();
        let finish = FinishPasskeyRegistration {
            credential: self.create(&challenge.options),
            ceremony: challenge.ceremony,
        };
        app.invoke(finish, cookie).await.ok()
    }
}

/// Starts a passkey sign-in for the waiting sign-in `pending` (its cookie):
/// (ceremony, options).
pub async fn begin_sign_in(app: &TestApp, pending: &str) -> (String, String) {
    let res = post(app, path_of::<BeginPasskeySignIn>(), &[], pending).await;
    assert_eq!(res.status(), StatusCode::OK);
    let challenge: PasskeyChallenge = res.json().await.unwrap();
    (challenge.ceremony, challenge.options)
}

pub async fn finish_sign_in(
    app: &TestApp,
    pending: &str,
    ceremony: &str,
    credential: &str,
) -> reqwest::Response {
    let form = [
        ("ceremony", ceremony),
        ("credential", credential),
        ("next", "/account"),
    ];
    post(app, path_of::<FinishPasskeySignIn>(), &form, pending).await
}

async fn post(
    app: &TestApp,
    function: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(function))
        .header(ACCEPT, "application/json")
        .header(ORIGIN, &app.base_url)
        .header(COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}
