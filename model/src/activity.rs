//! What the activity log records: each action once, with the dotted name it
//! is stored and sent under and the words a user reads, and its outcome.

use serde::{Deserialize, Serialize};

/// Declares [`Action`] from one table: variant, stored name, words.
macro_rules! actions {
    ($($variant:ident = $name:literal, $words:literal;)*) => {
        /// One kind of thing that happened. Stored and sent as its dotted
        /// name (`account.created`), whose first part is its area.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name in the database and on the wire.
            pub const fn stored_name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            pub fn from_stored_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }

            /// What the entry reads as.
            pub const fn words(self) -> &'static str {
                match self {
                    $(Action::$variant => $words,)*
                }
            }
        }
    };
}

actions! {
    AccountCreated = "account.created", "Account created";
    PasswordEntered = "account.sign_in.password", "Password entered";
    SignedInWithAuthenticatorCode = "account.sign_in.authenticator_code", "Signed in with an authenticator code";
    SignedInWithRecoveryCode = "account.sign_in.recovery_code", "Signed in with a recovery code";
    SecondFactorEntered = "account.sign_in.second_factor", "Two-factor code entered";
    SignedInWithPasskey = "account.sign_in.passkey", "Passkey used to sign in";
    SignedOut = "account.session.signed_out", "Signed out";
    SessionEndedElsewhere = "account.session.ended_elsewhere", "Another browser signed out";
    OtherSessionsEnded = "account.session.ended_everywhere_else", "Every other browser signed out";
    TwoFactorTurnedOn = "account.two_factor.turned_on", "Two-factor sign-in turned on";
    TwoFactorTurnedOff = "account.two_factor.turned_off", "Two-factor sign-in turned off";
    RecoveryCodesReplaced = "account.recovery_codes.replaced", "New recovery codes made";
    PasskeyAdded = "account.passkey.added", "Passkey added";
    PasskeyRenamed = "account.passkey.renamed", "Passkey renamed";
    PasskeyRemoved = "account.passkey.removed", "Passkey removed";
    Connected = "connection.connected", "Connected";
    Rechecked = "connection.rechecked", "Re-checked";
    ConnectionRenamed = "connection.renamed", "Renamed";
    TokenReplaced = "connection.token_replaced", "Access replaced";
    AccessRefreshed = "connection.refreshed", "Access renewed";
    Disconnected = "connection.disconnected", "Disconnected";
    ServerCreated = "cloud.server.created", "Server created";
    ServerDeleted = "cloud.server.deleted", "Server deleted";
    ServerPoweredOn = "cloud.server.powered_on", "Server powered on";
    ServerShutDown = "cloud.server.shut_down", "Server shut down";
    ServerPoweredOff = "cloud.server.powered_off", "Server powered off";
    ServerRebooted = "cloud.server.rebooted", "Server rebooted";
    ServerReset = "cloud.server.reset", "Server reset";
    ServerRenamed = "cloud.server.renamed", "Server renamed";
    ReverseDnsChanged = "cloud.server.reverse_dns_changed", "Reverse DNS changed";
    ServerProtectionChanged = "cloud.server.protection_changed", "Server protection changed";
    ServerBackupsChanged = "cloud.server.backups_changed", "Server backups changed";
    ServerResized = "cloud.server.resized", "Server resized";
    ServerRebuilt = "cloud.server.rebuilt", "Server rebuilt";
    ServerRescueChanged = "cloud.server.rescue_changed", "Rescue system changed";
    SnapshotTaken = "cloud.snapshot.taken", "Snapshot taken";
    SnapshotDeleted = "cloud.snapshot.deleted", "Snapshot deleted";
    SnapshotScheduled = "cloud.snapshot.scheduled", "Scheduled snapshot taken";
    SnapshotExpired = "cloud.snapshot.expired", "Snapshot deleted by its schedule";
    SnapshotScheduleChanged = "cloud.snapshot.schedule_changed", "Snapshot schedule changed";
    SafetyNetTaken = "cloud.snapshot.safety_net", "Snapshot taken before a risky step";
    SshKeyAdded = "cloud.ssh_key.added", "SSH key added";
    SshKeyRemoved = "cloud.ssh_key.removed", "SSH key removed";
}

impl From<Action> for &'static str {
    fn from(action: Action) -> Self {
        action.stored_name()
    }
}

impl TryFrom<String> for Action {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::from_stored_name(&name).ok_or_else(|| format!("unknown activity action {name:?}"))
    }
}

/// How it ended. Stored and sent as `ok`, `failed` or `unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Failed,
    /// No answer in time: the change may or may not have happened.
    Unknown,
}

impl Outcome {
    pub const fn stored_name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
        }
    }

    /// Anything not stored by [`Outcome::stored_name`] reads as unknown.
    pub fn from_stored_name(name: &str) -> Self {
        match name {
            "ok" => Self::Ok,
            "failed" => Self::Failed,
            _ => Self::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_stored_name_and_json() {
        for &action in Action::ALL {
            assert_eq!(Action::from_stored_name(action.stored_name()), Some(action));
            let json = serde_json::to_string(&action).expect("serialises");
            assert_eq!(json, format!("\"{}\"", action.stored_name()));
            assert_eq!(serde_json::from_str::<Action>(&json).ok(), Some(action));
        }
        assert_eq!(Action::from_stored_name("account.deleted"), None);
        assert!(serde_json::from_str::<Action>("\"account.deleted\"").is_err());
    }

    #[test]
    fn names_are_unique_and_in_an_area() {
        let names: std::collections::BTreeSet<&str> =
            Action::ALL.iter().map(|a| a.stored_name()).collect();
        assert_eq!(names.len(), Action::ALL.len());
        assert!(names.iter().all(|n| ["account.", "connection.", "cloud."]
            .iter()
            .any(|area| n.starts_with(area))));
    }

    #[test]
    fn outcomes_are_stored_and_sent_lowercase() {
        for outcome in [Outcome::Ok, Outcome::Failed, Outcome::Unknown] {
            assert_eq!(Outcome::from_stored_name(outcome.stored_name()), outcome);
            let json = serde_json::to_string(&outcome).expect("serialises");
            assert_eq!(json, format!("\"{}\"", outcome.stored_name()));
        }
    }
}
