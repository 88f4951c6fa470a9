//! Server-only plumbing for server functions: the shared state, the signed-in
//! user, cookies and redirects. Never compiled into the browser build.

mod ask_again;
pub mod cloud_changes;
mod request;
mod session;

pub use ask_again::{asked_again_for, confirm_destructive};
pub use request::{
    client_address, redirect_plain_form_post, redirect_to, request_info, session_origin,
    ClientAddress,
};
pub use session::{
    browser_session, clear_pending_sign_in_cookie, clear_session_cookie, current_user,
    pending_sign_in, session_secret, session_secret_in, set_pending_sign_in_cookie,
    set_session_cookie, signed_in, RequestSignedIn,
};

use axum::extract::FromRef;
use domain::accounts::second_factor::{RelyingParty, SecondFactors};
use domain::accounts::sessions::Sessions;
use domain::accounts::{Accounts, User};
use domain::activity::{ActivityLog, Entry};
use domain::connections::Connections;
use domain::crypto::Keyring;
use domain::provisioning::Provisioning;
use domain::safety_net::SafetyNets;
use domain::schedules::Schedules;
use domain::signed_in::SignedIn;
use domain::Database;
use leptos::prelude::*;
use std::sync::Arc;

use crate::error::{AppError, Refusal};

/// Everything server functions and the router share. Every request and
/// server function takes a copy, so the services sit behind one `Arc`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Services>);

#[derive(Debug)]
pub struct Services {
    pub leptos_options: LeptosOptions,
    pub db: Database,
    pub accounts: Accounts,
    pub sessions: Sessions,
    pub second_factors: SecondFactors,
    pub activity: ActivityLog,
    pub connections: Connections,
    pub provisioning: Provisioning,
    pub schedules: Schedules,
    pub safety_nets: SafetyNets,
    /// Mark cookies `Secure` (the public URL is https).
    pub secure_cookies: bool,
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        db: Database,
        connections: Connections,
        keyring: Arc<Keyring>,
        relying_party: Option<RelyingParty>,
        secure_cookies: bool,
    ) -> Self {
        let provisioning = Provisioning::new(connections.clone());
        Self(Arc::new(Services {
            leptos_options,
            accounts: Accounts::new(db.clone()),
            sessions: Sessions::new(db.clone()),
            second_factors: SecondFactors::new(db.clone(), keyring, relying_party),
            activity: ActivityLog::new(db.clone()),
            provisioning: provisioning.clone(),
            schedules: Schedules::new(
                db.clone(),
                provisioning.clone(),
                ActivityLog::new(db.clone()),
            ),
            safety_nets: SafetyNets::new(db.clone(), provisioning, ActivityLog::new(db.clone())),
            connections,
            db,
            secure_cookies,
        }))
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError(Refusal::Internal))
}

/// Appends to the user's activity log, with the request's metadata. Never fails.
pub async fn record(state: &AppState, user_id: &model::UserId, entry: Entry) {
    state.activity.record(user_id, &request_info(), entry).await;
}

/// Records a plain account event (`account.…`) that went `outcome`.
pub async fn record_account(
    state: &AppState,
    user_id: &model::UserId,
    action: domain::activity::Action,
    outcome: domain::activity::Outcome,
) {
    record(state, user_id, Entry::new(action, outcome)).await;
}

/// The signed-in user and the state, which nearly every server function needs.
pub async fn user_and_state() -> Result<(User, AppState), AppError> {
    let (signed_in, state) = signed_in_and_state().await?;
    Ok((signed_in.user.clone(), state))
}

/// The signed-in user, the state, and one of the user's servers as its
/// provider describes it now (what an action on a server checks first).
pub async fn user_state_and_server(
    id: &model::ConnectionId,
    server_id: model::ServerId,
) -> Result<(User, AppState, model::provisioning::Server), AppError> {
    let (user, state) = user_and_state().await?;
    let details = state
        .provisioning
        .server_now(&user.id, id, server_id)
        .await?;
    Ok((user, state, details.server))
}

/// The signed-in user with their connections as the request found them,
/// and the state: what pages listing connections need, in one read.
pub async fn signed_in_and_state() -> Result<(Arc<SignedIn>, AppState), AppError> {
    let state = state()?;
    let signed_in = signed_in(&state)
        .await?
        .ok_or(AppError(Refusal::NotSignedIn))?;
    Ok((signed_in, state))
}
