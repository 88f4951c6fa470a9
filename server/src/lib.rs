//! The Potions server: wires configuration, the database, the Leptos app and
//! the request guards into one axum router.

mod background;
pub mod client_address;
pub mod config;
mod database;
pub mod keys;
mod providers;
pub mod security;
pub mod statuses;
pub mod telemetry;

pub use database::open_database;

use app::ssr::{AppState, RequestSignedIn};
use app::{shell, App};
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use domain::accounts::second_factor::RelyingParty;
use domain::crypto::instances::InstanceLease;
use domain::crypto::Keyring;
use domain::Database;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use thiserror::Error;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::client_address::TrustedProxies;
use crate::config::Settings;
use crate::security::{PublicOrigins, ServedOverHttps};

/// Largest request body accepted; forms are tiny.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Error)]
pub enum StartError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Domain(#[from] domain::DomainError),
    #[error("cannot set up the Hetzner client: {0}")]
    Hetzner(String),
    #[error("DigitalOcean: {0}")]
    DigitalOcean(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

#[derive(Clone, Default)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        http::HeaderValue::from_str(&domain::db::new_id())
            .ok()
            .map(RequestId::new)
    }
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(state.db.pool()).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

pub fn build_state(
    settings: &Settings,
    db: Database,
    keyring: Arc<Keyring>,
) -> Result<AppState, StartError> {
    let connections = providers::connections(settings, db.clone(), keyring.clone())?;
    let leptos_options = LeptosOptions::builder()
        .output_name("potions")
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.listen)
        .build();
    let public_url = settings.public_url();
    let relying_party = RelyingParty::for_public_url(&public_url);
    if relying_party.is_none() {
        tracing::warn!(%public_url, "passkeys need a domain name: set --public-url to offer them");
    }
    Ok(AppState::new(
        leptos_options,
        db,
        connections,
        keyring,
        relying_party,
        public_url.starts_with("https://"),
    ))
}

/// The app's routes, generated once per process: generating them suppresses
/// resource loading process-wide, which would stall any page rendering at
/// that moment in another server of the same process (leptos#4773).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Bounds on every request: how long it may take, how many run at once.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    pub timeout: Duration,
    pub max_concurrent: usize,
}

impl RequestLimits {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            timeout: Duration::from_secs_f64(settings.request_timeout_secs.clamp(0.1, 3600.0)),
            max_concurrent: settings.max_concurrent_requests.max(1),
        }
    }
}

pub fn router(
    state: AppState,
    public_origins: PublicOrigins,
    limits: RequestLimits,
    trusted_proxies: TrustedProxies,
) -> Router {
    let https = state.secure_cookies;
    let routes = route_list();
    let request_id = http::HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
        let id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // The path only: queries are never logged.
        tracing::info_span!("request", method = %request.method(), path = request.uri().path(), request_id = id)
    });
    // The browser build, served as `cargo leptos build --precompress` left
    // it: brotli or gzip beside each file, whichever the browser accepts.
    let pkg = std::path::Path::new(&*state.leptos_options.site_root)
        .join(&*state.leptos_options.site_pkg_dir);
    let bundle = ServeDir::new(pkg).precompressed_br().precompressed_gzip();
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            app::providers::digitalocean::CALLBACK_PATH,
            get(app::providers::digitalocean::callback::handle),
        )
        .nest_service(&format!("/{}", state.leptos_options.site_pkg_dir), bundle)
        .leptos_routes_with_context(
            &state,
            routes,
            || provide_context(RequestSignedIn::default()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            trusted_proxies,
            client_address::identify_client,
        ))
        .layer(axum::middleware::from_fn(statuses::status_of_errors))
        .layer(axum::middleware::from_fn(statuses::see_other_for_pages))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.timeout,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(limits.max_concurrent))
        .layer(axum::middleware::from_fn_with_state(
            public_origins,
            security::reject_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            ServedOverHttps(https),
            security::security_headers,
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, RandomRequestId))
        .layer(axum::middleware::from_fn(page_redirects_are_redirects))
        .layer(axum::middleware::map_request(drop_client_request_id))
}

/// A page that redirects answers 3xx whatever the client accepts: Leptos
/// answers 200 with a `Location` to a client that does not accept HTML (a
/// monitor, a link checker, curl), which then shows an empty page. Server
/// functions keep that answer: their client follows the redirect itself.
async fn page_redirects_are_redirects(
    request: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let page = !request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if page
        && response.status().is_success()
        && response.headers().contains_key(http::header::LOCATION)
    {
        *response.status_mut() = StatusCode::SEE_OTHER;
        response.headers_mut().remove("serverfnredirect");
    }
    response
}

/// A client's own `X-Request-Id` is never taken for ours: the ids in logs
/// and in the activity log are the ones Potions made.
async fn drop_client_request_id(mut request: Request<Body>) -> Request<Body> {
    request.headers_mut().remove("x-request-id");
    request
}

/// A bound, ready-to-serve Potions, holding its instance lease.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
    lease: InstanceLease,
    keyring: Arc<Keyring>,
    schedules: domain::schedules::Schedules,
    safety_nets: domain::safety_net::SafetyNets,
}

impl Server {
    pub async fn bind(settings: &Settings) -> Result<Self, StartError> {
        let db = open_database(settings).await?;
        let (keyring, lease) = keys::load_and_lease(settings, &db).await?;
        let keyring = Arc::new(keyring);
        let state = build_state(settings, db, keyring.clone())?;
        let listener = match tokio::net::TcpListener::bind(settings.listen).await {
            Ok(listener) => listener,
            Err(source) => {
                if let Err(err) = lease.release().await {
                    tracing::warn!(error = %err, "could not release the instance lease");
                }
                return Err(StartError::Bind {
                    addr: settings.listen,
                    source,
                });
            }
        };
        background::spawn_housekeeping(&state, settings.activity_retention_days);
        background::spawn_schedules(&state, Duration::from_secs(settings.schedule_check_secs));
        let listening = listener.local_addr().unwrap_or(settings.listen);
        let origins = PublicOrigins::new(settings.public_url.as_deref(), listening);
        if settings.public_url.is_none() && listening.ip().is_unspecified() {
            tracing::warn!(
                "no --public-url: forms only work at http://{listening}; set the URL users reach"
            );
        }
        Ok(Self {
            listener,
            schedules: state.schedules.clone(),
            safety_nets: state.safety_nets.clone(),
            router: router(
                state,
                origins,
                RequestLimits::from_settings(settings),
                TrustedProxies::new(settings.trusted_proxies.clone(), settings.forwarded_header),
            ),
            lease,
            keyring,
        })
    }

    /// Its snapshot schedules, for a test to run them at a time it picks.
    pub fn schedules(&self) -> domain::schedules::Schedules {
        self.schedules.clone()
    }

    /// Its safety nets, for a test to run their upkeep when it picks.
    pub fn safety_nets(&self) -> domain::safety_net::SafetyNets {
        self.safety_nets.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Serves until `shutdown` resolves, then releases the lease. Stops on its
    /// own, with an error, if the lease was lost and this instance's keys no
    /// longer fit the running instances'.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (lease_lost, lost) = tokio::sync::oneshot::channel::<String>();
        let (served, stop_lease) = tokio::sync::oneshot::channel::<()>();
        let lease_task = tokio::spawn(async move {
            let stop = async {
                let _ = stop_lease.await;
            };
            match keys::keep_lease(self.lease, self.keyring, stop).await {
                Err(err @ domain::DomainError::Crypto(_)) => {
                    tracing::error!(error = %err, "instance lease lost: this instance stops serving");
                    let _ = lease_lost.send(err.to_string());
                }
                Err(err) => tracing::warn!(error = %err, "could not release the instance lease"),
                Ok(()) => {}
            }
        });
        let lost = async move { lost.await.ok() };
        let (stop_serving, why) = tokio::sync::oneshot::channel::<Option<String>>();
        let shutdown = async move {
            let reason = tokio::select! {
                () = shutdown => None,
                Some(reason) = lost => Some(reason),
            };
            let _ = stop_serving.send(reason);
        };
        use axum::serve::ListenerExt as _;
        // Without TCP_NODELAY, answers written in several chunks (static
        // files, the WebAssembly) stall ~40 ms on delayed ACKs.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "could not set TCP_NODELAY");
            }
        });
        let served_result = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = served.send(());
        let _ = lease_task.await;
        match why.await {
            Ok(Some(reason)) => Err(std::io::Error::other(reason)),
            _ => served_result,
        }
    }
}
