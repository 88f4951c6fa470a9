//! Server-function paths, taken from the functions themselves.

pub use app::account::server_fns::{
    BeginPasskeyRegistration, BeginTotp, ConfirmTotp, EndOtherSessions, EndSession,
    FinishPasskeyRegistration, ListSessions, LoadSecurity, RegenerateRecoveryCodes, RemovePasskey,
    RenamePasskey, TurnOffTotp,
};
pub use app::activity::server_fns::ListActivity;
pub use app::auth::server_fns::{
    BeginPasskeySignIn, FinishPasskeySignIn, LoadSecondSteps, SignIn, SignOut, SignUp, VerifySignIn,
};
pub use app::connections::server_fns::{
    DisconnectConnection, ListConnections, LoadDashboard, RecheckConnection, RenameConnection,
};
pub use app::projects::server_fns::{
    AddSshKey, CreateServer, DeleteServer, DeleteSnapshot, DeleteSshKey, ListSnapshots,
    ListSshKeys, LoadCreateServerChoices, LoadProject, ReadProvisioningProgress,
};
pub use app::providers::digitalocean::server_fns::{DigitaloceanSetUp, StartDigitaloceanConnect};
pub use app::providers::hetzner::server_fns::{ConnectHetzner, ReplaceToken};
pub use app::servers::server_fns::{
    LoadServer, PowerServer, RebuildServer, RenameServer, ResizeServer, SetRescue, SetReverseDns,
    SetServerBackups, SetServerProtection,
};
pub use app::servers::snapshots::server_fns::{
    RemoveSnapshotSchedule, SetSnapshotSchedule, TakeSnapshot,
};
pub use app::session::server_fns::CurrentUser;

/// The path a server function answers at, e.g. `path_of::<SignUp>()`.
pub fn path_of<F: leptos::server_fn::ServerFn>() -> &'static str {
    F::PATH
}
