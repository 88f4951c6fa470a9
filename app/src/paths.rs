//! Every URL the app links or redirects to, built in one place, and the
//! rules for URLs that come from outside. The route table that maps each
//! path to its page is `routes.rs`.

pub const DASHBOARD: &str = "/";
pub const SIGN_IN: &str = "/login";
pub const SIGN_UP: &str = "/signup";
pub const ACCOUNT: &str = "/account";
pub const SESSIONS: &str = "/account/sessions";
pub const ACTIVITY: &str = "/account/activity";
pub const SECURITY: &str = "/account/security";
/// The Security page after a factor changed (without JavaScript): it offers
/// to sign out every other browser.
pub const SECURITY_AFTER_CHANGE: &str = "/account/security?changed=1";
/// Where a sign-in waits for its second factor.
pub const SECOND_STEP: &str = "/login/verify";

/// A project page: the Hetzner project or DigitalOcean team reached through one
/// connection, addressed by the connection's id.
pub fn project(connection_id: &str) -> String {
    format!("/projects/{connection_id}")
}

/// The Dashboard after connecting, naming the connection (and whether an
/// existing connection's tokens were replaced).
pub fn connected(connection_id: &str, replaced: bool) -> String {
    let replaced = if replaced { "&replaced=1" } else { "" };
    format!("/?connected={connection_id}{replaced}")
}

pub fn project_snapshots(connection_id: &str) -> String {
    format!("/projects/{connection_id}/snapshots")
}

pub fn project_ssh_keys(connection_id: &str) -> String {
    format!("/projects/{connection_id}/ssh-keys")
}

/// A server's page.
pub fn server(connection_id: &str, server_id: model::ServerId) -> String {
    format!("/projects/{connection_id}/servers/{server_id}")
}

pub fn delete_server(connection_id: &str, server_id: model::ServerId) -> String {
    format!("/projects/{connection_id}/servers/{server_id}/delete")
}

/// Account → Activity, filtered by connection and area, from a page cursor.
pub fn activity(connection: Option<&str>, area: Option<&str>, older: Option<&str>) -> String {
    let query: Vec<String> = [("connection", connection), ("area", area), ("older", older)]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode_component(v))))
        .collect();
    if query.is_empty() {
        ACTIVITY.to_string()
    } else {
        format!("{ACTIVITY}?{}", query.join("&"))
    }
}

pub fn disconnect(connection_id: &str) -> String {
    format!("/account/connections/{connection_id}/disconnect")
}

/// Sign-in (or sign-up) that comes back to `target` afterwards. Coming back
/// to a sign-in or sign-up page is no destination (a page left signed-out
/// while the browser already moved there would otherwise ask for it).
pub fn with_next(page: &str, target: &str) -> String {
    let is_account_form =
        |path: &str| [SIGN_IN, SIGN_UP].contains(&path.split('?').next().unwrap_or(path));
    match local_path(target).filter(|target| !is_account_form(target)) {
        Some(target) => format!("{page}?next={}", encode_component(target)),
        None => page.to_string(),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only same-site paths may be a redirect target: `/x`, never `//host` or `/\host`.
pub fn local_path(candidate: &str) -> Option<&str> {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && !candidate.chars().any(|c| c.is_control());
    ok.then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(encode_component("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(encode_component("plain-text_1.~"), "plain-text_1.~");
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path("/account"), Some("/account"));
        assert_eq!(local_path("/a?b=c"), Some("/a?b=c"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "account",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn next_is_carried_only_for_local_targets() {
        assert_eq!(with_next(SIGN_UP, "/account"), "/signup?next=%2Faccount");
        assert_eq!(with_next(SIGN_UP, "/"), "/signup?next=%2F");
        assert_eq!(with_next(SIGN_IN, "//evil.example"), "/login");
        assert_eq!(with_next(SIGN_IN, "/login"), "/login");
        assert_eq!(with_next(SIGN_IN, "/signup?next=%2F"), "/login");
    }
}
