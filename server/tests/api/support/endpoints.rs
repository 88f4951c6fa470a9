//! Server-function paths, taken from the functions themselves.

pub use app::activity::server_fns::ListActivity;
pub use app::auth::passkeys::{
    BeginPasskeyRegistration, FinishPasskeyRegistration, RemovePasskey, RenamePasskey,
};
pub use app::auth::recovery_codes::RegenerateRecoveryCodes;
pub use app::auth::security::{BeginTotp, ConfirmTotp, LoadSecurity, TurnOffTotp};
pub use app::auth::server_fns::{
    EndOtherSessions, EndSession, ListSessions, SignIn, SignOut, SignUp, VerifySignIn,
};
pub use app::auth::verify::{BeginPasskeySignIn, FinishPasskeySignIn, LoadSecondSteps};
pub use app::connections::server_fns::{
    DisconnectConnection, ListConnections, LoadDashboard, RecheckConnection, RenameConnection,
};
pub use app::projects::server_fns::{
    AddSshKey, CreateServer, DeleteServer, DeleteSshKey, ListSshKeys, LoadCreateServerChoices,
    LoadProject, ReadProvisioningProgress,
};
pub use app::providers::digitalocean::connect::{DigitaloceanSetUp, StartDigitaloceanConnect};
pub use app::providers::hetzner::server_fns::{ConnectHetzner, ReplaceToken};
pub use app::session::server_fns::CurrentUser;

/// The path a server function answers at, e.g. `path_of::<SignUp>()`.
pub fn path_of<F: leptos::server_fn::ServerFn>() -> &'static str {
    F::PATH
}
