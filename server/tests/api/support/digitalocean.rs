//! A Potions with DigitalOcean set up against its own fake DigitalOcean: a
//! user with two teams there, and Potions' app registered for this
//! instance's callback.

use digitalocean_fake::browser::{consent, ConsentOutcome};
use digitalocean_fake::{App, FakeConfig, FakeDigitalOcean, FakeUser};
use reqwest::header::{ACCEPT, COOKIE};
use reqwest::StatusCode;

use super::{location, path_of, Backend, StartDigitaloceanConnect, TestApp};

pub struct WithDigitalOcean {
    pub app: TestApp,
    pub fake: FakeDigitalOcean,
    pub user: FakeUser,
    /// Potions' app as registered at the fake.
    pub registered: App,
}

/// A port free now, for an instance whose callback URL must be known before it starts.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl WithDigitalOcean {
    /// `None` only for PostgreSQL when its tests are knowingly skipped.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// As [`Self::spawn`], with the test instance's settings changed by `configure`.
    pub async fn spawn_with(
        backend: Backend,
        configure: impl Fn(&mut server::config::Settings),
    ) -> Option<Self> {
        let fake = FakeDigitalOcean::start(FakeConfig {
            provisioning: std::time::Duration::from_millis(300),
            ..FakeConfig::default()
        })
        .await
        .unwrap();
        let user = fake.add_user(
            "sammy@example.com",
            "shark-password",
            &["Sammy's team", "Acme"],
        );
        // The callback URL names the port, so it is chosen before the
        // instance starts; should anything take it meanwhile, another.
        for attempt in 1.. {
            let port = free_port();
            let registered = fake.add_app(
                "Potions",
                &format!("http://127.0.0.1:{port}/connect/digitalocean/callback"),
            );
            let started = TestApp::try_spawn_with(backend, |settings| {
                settings.listen = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                Self::configure(settings, &fake, &registered);
                configure(settings);
            })
            .await;
            match started {
                Ok(app) => {
                    return Some(Self {
                        app: app?,
                        fake,
                        user,
                        registered,
                    })
                }
                Err(server::StartError::Bind { .. }) if attempt < 5 => continue,
                Err(err) => panic!("server starts: {err:?}"),
            }
        }
        unreachable!("the loop returns")
    }

    /// DigitalOcean set up against `fake`, as Potions' app `registered`.
    pub fn configure(
        settings: &mut server::config::Settings,
        fake: &FakeDigitalOcean,
        registered: &App,
    ) {
        settings.digitalocean_client_id = Some(registered.client_id.clone());
        settings.digitalocean_client_secret = Some(registered.client_secret.clone());
        settings.digitalocean_api_url = fake.api_base_url();
        settings.digitalocean_oauth_url = fake.oauth_base_url();
    }

    /// Another instance on the same database and keys; answers its base URL.
    pub async fn second_instance(&self) -> String {
        self.app
            .second_instance_with(|settings| {
                Self::configure(settings, &self.fake, &self.registered)
            })
            .await
    }

    /// Continue to DigitalOcean: answers where Potions sends the browser.
    pub async fn start(&self, cookie: &str, label: &str, reconnect: &str) -> String {
        let res = self
            .app
            .post_form(
                path_of::<StartDigitaloceanConnect>(),
                "/connect/digitalocean",
                &[("label", label), ("reconnect", reconnect)],
                Some(cookie),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::FOUND,
            "start redirects to DigitalOcean"
        );
        location(&res)
    }

    /// The user at DigitalOcean's consent page: where DigitalOcean sends the browser back.
    pub async fn consent(&self, authorize_url: &str, team: &str, approve: bool) -> String {
        match consent(
            authorize_url,
            &self.user.email,
            &self.user.password,
            team,
            approve,
        )
        .await
        .unwrap()
        {
            ConsentOutcome::Redirect(to) => to,
            ConsentOutcome::ErrorPage(status, page) => panic!("consent failed ({status}): {page}"),
        }
    }

    /// The browser arriving at the callback: where Potions sends it next.
    pub async fn arrive(&self, callback_url: &str, cookie: Option<&str>) -> String {
        let mut request = self
            .app
            .client
            .get(callback_url)
            .header(ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let res = request.send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "the callback redirects"
        );
        location(&res)
    }

    /// The whole flow for `team` (reconnecting `reconnect`, if not empty):
    /// answers where the callback sends the browser.
    pub async fn connect_team_with(&self, cookie: &str, team: &str, reconnect: &str) -> String {
        let authorize = self.start(cookie, "", reconnect).await;
        let back = self.consent(&authorize, team, true).await;
        self.arrive(&back, Some(cookie)).await
    }

    pub async fn connect_team_to(&self, cookie: &str, team: &str) -> String {
        self.connect_team_with(cookie, team, "").await
    }

    /// The whole flow for `team`; answers the new connection's id.
    pub async fn connect_team(&self, cookie: &str, team: &str) -> String {
        let to = self.connect_team_to(cookie, team).await;
        to.strip_prefix("/?connected=")
            .unwrap_or_else(|| panic!("connect failed: redirected to {to}"))
            .split('&')
            .next()
            .unwrap()
            .to_string()
    }
}
