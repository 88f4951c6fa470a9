//! What each error says to the user, in one place: the words PRODUCT.md
//! gives, with the wait or the names an error carries.

use super::Refusal;

/// A wait as people say it: seconds under a minute, else whole minutes up.
fn wait_phrase(secs: i64) -> String {
    let secs = secs.max(1);
    if secs < 60 {
        return if secs == 1 {
            "1 second".into()
        } else {
            format!("{secs} seconds")
        };
    }
    minutes_phrase(secs)
}

/// Whole minutes, rounded up: "Try again in N minutes" as PRODUCT.md words it.
fn minutes_phrase(secs: i64) -> String {
    let minutes = ((secs.max(1) + 59) / 60).max(1);
    if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    }
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Self::InvalidEmail => "Enter a valid email address, like name@example.com.".into(),
            Self::WeakPassword => "Choose a password of 8 to 256 characters.".into(),
            Self::EmailTaken => {
                "An account with this email already exists. Sign in instead.".into()
            }
            Self::InvalidCredentials => "Wrong email or password.".into(),
            Self::Throttled(secs) => format!(
                "Too many attempts. Try again in {}.",
                wait_phrase(*secs)
            ),
            Self::MalformedToken => "That doesn't look like a Hetzner API token. Tokens are 64 \
                letters and digits; copy it again from the Hetzner Cloud Console."
                .into(),
            Self::LabelTooLong => "Keep the label to 64 characters or fewer.".into(),
            Self::TokenRejected => "Hetzner rejected this token. Make sure it has Read & Write \
                permissions and belongs to the right project."
                .into(),
            Self::TokenReadOnly => "This token is Read-only. Potions needs Read & Write to create \
                servers: generate a new token with Read & Write permissions."
                .into(),
            Self::HetznerRateLimited(secs) => format!(
                "Hetzner is limiting requests for this project right now. Try again in {}.",
                minutes_phrase(*secs)
            ),
            Self::HetznerUnreachable => "Potions couldn't reach Hetzner, so nothing was saved. \
                Try again in a moment."
                .into(),
            Self::AlreadyConnected(label) if label.is_empty() => {
                "This project's token is already connected.".into()
            }
            Self::AlreadyConnected(label) => {
                format!("This project's token is already connected as \"{label}\".")
            }
            Self::SessionNotFound => "That browser is already signed out.".into(),
            Self::WrongPassword => "That password isn't right.".into(),
            Self::SecondFactorAgain => "Your authenticator was last checked over five minutes \
                ago: enter a code from it, or a recovery code."
                .into(),
            Self::SecondFactorWrong => "That code didn't work. Each code works once: wait for the \
                next one in your authenticator app, or use one of your recovery codes."
                .into(),
            Self::SecondStepTooManyTries => "That was the last try for this sign-in. Sign in \
                again with your password."
                .into(),
            Self::AuthenticatorCodesStopped => "Too many wrong codes were entered for this \
                account, so authenticator codes no longer sign in to it. Use a passkey or a \
                recovery code: that makes codes work again."
                .into(),
            Self::SecondStepExpired => "This sign-in waited too long or was already used. Sign in \
                again."
                .into(),
            Self::EnrolmentCodeWrong => "That code doesn't match. Check that your device sets its \
                clock automatically, then enter the newest code from the app."
                .into(),
            Self::TotpNotEnrolling => "Two-factor sign-in isn't being set up any more (set-up \
                lasts 15 minutes). Start again."
                .into(),
            Self::TotpAlreadyOn => "Two-factor sign-in is already on.".into(),
            Self::PasskeysUnavailable => "Passkeys can't be used here. They need a browser that \
                supports them, with Potions opened at its own address (a domain name, or \
                localhost)."
                .into(),
            Self::PasskeyExpired => "That passkey request expired or was already used. Try \
                again."
                .into(),
            Self::PasskeyRefused => "That passkey didn't work: the request was cancelled or \
                timed out, or the passkey isn't one this account can use here. Try again."
                .into(),
            Self::PasskeyNotFound => "That passkey doesn't exist. It may have been removed.".into(),
            Self::InvalidPasskeyName => {
                "Name the passkey in 1 to 64 characters, such as \"Laptop\" or \"YubiKey\".".into()
            }
            Self::ConnectionNotFound => {
                "That connection doesn't exist. It may have been disconnected.".into()
            }
            Self::HetznerNeedsAttention => "Hetzner rejected this project's token, so Potions has \
                stopped using it. Check that the token still exists and has Read & Write \
                permissions, then paste a replacement token."
                .into(),
            Self::InvalidServerName => "Server names are host names: letters, digits and hyphens, \
                at most 63 characters between dots, not starting or ending with a hyphen."
                .into(),
            Self::ServerNameTaken => "A server with this name already exists in this project. \
                Choose another name."
                .into(),
            Self::ServerTypeUnavailable(available_in) if available_in.is_empty() => {
                "This server type isn't available in that location. Choose another type or \
                 location."
                    .into()
            }
            Self::ServerTypeUnavailable(available_in) => format!(
                "This server type isn't \
                available in that location. It is available in: {}.",
                available_in.join(", ")
            ),
            Self::HetznerProjectLimitReached => "This project has reached its server limit at Hetzner. \
                Delete a server, or ask Hetzner to raise the limit."
                .into(),
            Self::ServerProtected => "This server is delete-protected. Turn off its protection at \
                your cloud provider first."
                .into(),
            Self::ServerNotFound => "That server no longer exists in this project.".into(),
            Self::InvalidReverseDns => "A reverse DNS name is a host name, such as \
                mail.example.com: letters, digits and hyphens between dots."
                .into(),
            Self::ReverseDnsFollowsName => "DigitalOcean names a droplet's reverse DNS after the \
                droplet: rename the droplet to change it."
                .into(),
            Self::ServerLocked => "Another action on this server is still running. Wait for it to \
                finish, then try again."
                .into(),
            Self::ServerStateDoesNotAllow => "The server's state changed: that action no longer \
                applies. The page shows what it can do now."
                .into(),
            Self::InvalidServerRequest(fields) if fields.is_empty() => {
                "The provider didn't accept the request. Reload the page and try again.".into()
            }
            Self::InvalidServerRequest(fields) => format!(
                "The {} you chose can't be used here. \
                Reload the page and try again.",
                fields.join(", ").replace('_', " ")
            ),
            Self::ConfirmationMismatch => {
                "The name you typed doesn't match the server's name.".into()
            }
            Self::InvalidKeyName => "Give the key a name of 1 to 64 characters.".into(),
            Self::InvalidPublicKey => "That isn't an OpenSSH public key. Paste the whole line, \
                like ssh-ed25519 AAAA… you@laptop."
                .into(),
            Self::KeyNameTaken => {
                "A key with this name already exists in this project. Choose another name.".into()
            }
            Self::DigitalOceanNotSetUp => "DigitalOcean isn't set up on this Potions instance. Ask \
                its operator to register a DigitalOcean OAuth app (Potions' documentation says how)."
                .into(),
            Self::DigitalOceanMisconfigured => "DigitalOcean refused this Potions instance's app \
                credentials, so nothing was connected. Ask its operator to check the DigitalOcean \
                client id and secret."
                .into(),
            Self::OAuthStateInvalid => "This sign-in link expired or didn't come from Potions, so \
                nothing was connected. Start again from the Dashboard."
                .into(),
            Self::OAuthDenied => {
                "You didn't give Potions access on DigitalOcean, so nothing was connected.".into()
            }
            Self::OAuthCodeRefused => "DigitalOcean didn't accept the sign-in, so nothing was \
                connected. Start again from the Dashboard."
                .into(),
            Self::DigitalOceanNeedsMoreAccess => "This team was connected before Potions could do \
                this. Reconnect it (Account → Providers, Reconnect) and approve the new \
                permission; everything else keeps working meanwhile."
                .into(),
            Self::DigitalOceanMissingPermission => "DigitalOcean gave Potions less access than it \
                needs, so nothing was connected. Connect again and approve every permission listed."
                .into(),
            Self::DigitalOceanAccountLocked => "Your DigitalOcean account is locked, so nothing was \
                connected. Resolve it in DigitalOcean's control panel, then connect again."
                .into(),
            Self::DigitalOceanEmailNotVerified => "Your DigitalOcean account's email address isn't \
                verified yet, so nothing was connected. Verify it at DigitalOcean, then connect again."
                .into(),
            Self::DigitalOceanUnreachable => "Potions couldn't reach DigitalOcean, so nothing was \
                saved. Try again in a moment."
                .into(),
            Self::DigitalOceanRateLimited(secs) => format!(
                "DigitalOcean is limiting requests right now. Try again in {}.",
                wait_phrase(*secs)
            ),
            Self::DigitalOceanAccessLost => "DigitalOcean no longer accepts Potions' access to this \
                team (it may have been revoked there), so Potions has stopped using it. Reconnect to \
                give access again."
                .into(),
            Self::DigitalOceanRefused(message) if message.is_empty() => "DigitalOcean didn't \
                accept the request. Check your choices and try again."
                .into(),
            Self::DigitalOceanRefused(message) => {
                format!("DigitalOcean didn't accept the request: {message}")
            }
            Self::ReconnectOtherTeam(team_name) if team_name.is_empty() => "You chose another \
                team than this connection's. Reconnect and choose the same team, or connect the other \
                team from the Dashboard."
                .into(),
            Self::ReconnectOtherTeam(team_name) => format!(
                "You chose another team than this connection's (\"{team_name}\"). Reconnect and \
                choose that team, or connect the other team from the Dashboard."
            ),
            Self::NotSignedIn => "Your session has ended. Sign in again.".into(),
            Self::BadRequest => {
                "The form was incomplete or malformed. Reload the page and try again.".into()
            }
            Self::Transport => {
                "Potions couldn't complete the request. Check your connection and try again.".into()
            }
            Self::Internal => "Something went wrong on our side. Try again in a moment.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_message_says_when_to_try_again() {
        let msg = Refusal::Throttled(61).message();
        assert!(msg.contains("Try again in 2 minutes"), "{msg}");
        let msg = Refusal::Throttled(60).message();
        assert!(msg.contains("Try again in 1 minute."), "{msg}");
        let msg = Refusal::Throttled(5).message();
        assert!(msg.contains("Try again in 5 seconds."), "{msg}");
    }
}
