//! Every API v2 operation the fake serves, with the OAuth scopes it needs.
//! The scopes are DigitalOcean's own (the `security` block of each operation
//! in its OpenAPI description); a test holds this table against it.

/// An operation: method, OpenAPI path template, required scopes (all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub template: &'static str,
    pub scopes: &'static [&'static str],
}

const fn route(
    method: &'static str,
    template: &'static str,
    scopes: &'static [&'static str],
) -> Route {
    Route {
        method,
        template,
        scopes,
    }
}

pub const ROUTES: &[Route] = &[
    route("GET", "/v2/account", &["account:read"]),
    route("GET", "/v2/account/keys", &["ssh_key:read"]),
    route("POST", "/v2/account/keys", &["ssh_key:create"]),
    route(
        "GET",
        "/v2/account/keys/{ssh_key_identifier}",
        &["ssh_key:read"],
    ),
    route(
        "PUT",
        "/v2/account/keys/{ssh_key_identifier}",
        &["ssh_key:update"],
    ),
    route(
        "DELETE",
        "/v2/account/keys/{ssh_key_identifier}",
        &["ssh_key:delete"],
    ),
    route("GET", "/v2/droplets", &["droplet:read"]),
    route("POST", "/v2/droplets", &["droplet:create"]),
    route("GET", "/v2/droplets/{droplet_id}", &["droplet:read"]),
    route("DELETE", "/v2/droplets/{droplet_id}", &["droplet:delete"]),
    route(
        "POST",
        "/v2/droplets/{droplet_id}/actions",
        &["droplet:update"],
    ),
    route(
        "GET",
        "/v2/droplets/{droplet_id}/snapshots",
        &["droplet:read"],
    ),
    route("GET", "/v2/snapshots", &["snapshot:read"]),
    route(
        "DELETE",
        "/v2/snapshots/{snapshot_id}",
        &["image:delete", "snapshot:delete"],
    ),
    route("GET", "/v2/actions", &["actions:read"]),
    route("GET", "/v2/actions/{action_id}", &["actions:read"]),
    route("GET", "/v2/regions", &["regions:read"]),
    route("GET", "/v2/sizes", &["sizes:read", "regions:read"]),
    route("GET", "/v2/images", &["image:read"]),
    route("GET", "/v2/tags", &["tag:read"]),
    route("POST", "/v2/tags", &["tag:create"]),
    route("GET", "/v2/tags/{tag_id}", &["tag:read"]),
    route("DELETE", "/v2/tags/{tag_id}", &["tag:delete"]),
];

/// Scopes an app may ask for at authorize: the legacy pair and the
/// fine-grained scopes of every resource the fake knows.
pub const KNOWN_SCOPES: &[&str] = &[
    "read",
    "write",
    "account:read",
    "actions:read",
    "droplet:create",
    "droplet:read",
    "droplet:update",
    "droplet:delete",
    "ssh_key:create",
    "ssh_key:read",
    "ssh_key:update",
    "ssh_key:delete",
    "regions:read",
    "sizes:read",
    "image:create",
    "image:read",
    "image:update",
    "image:delete",
    "snapshot:read",
    "snapshot:delete",
    "tag:create",
    "tag:read",
    "tag:delete",
];

/// Scopes that only work together with others (DigitalOcean's consent page
/// refuses `droplet:create` alone).
pub const PREREQUISITES: &[(&str, &[&str])] = &[(
    "droplet:create",
    &[
        "droplet:read",
        "regions:read",
        "sizes:read",
        "actions:read",
        "image:read",
    ],
)];

/// The operation serving `method` on `path`, with `{…}` matching one segment.
pub fn find(method: &str, path: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(method) && matches(r.template, path))
}

/// The template `path` falls under, whatever the method.
pub fn template_of(path: &str) -> Option<String> {
    ROUTES
        .iter()
        .find(|r| matches(r.template, path))
        .map(|r| r.template.to_string())
}

fn matches(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) if ts.starts_with('{') => {
                if ps.is_empty() {
                    return false;
                }
            }
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return false,
        }
    }
}

/// Whether `granted` covers `scope`: itself, or the legacy `read` (any
/// `…:read`) or `write` (anything else).
pub fn grants(granted: &[String], scope: &str) -> bool {
    granted.iter().any(|g| {
        g == scope
            || (g == "read" && scope.ends_with(":read"))
            || (g == "write" && !scope.ends_with(":read"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        assert_eq!(
            find("GET", "/v2/droplets/42").map(|r| r.template),
            Some("/v2/droplets/{droplet_id}")
        );
        assert_eq!(
            find("get", "/v2/droplets").map(|r| r.template),
            Some("/v2/droplets")
        );
        assert!(find("GET", "/v2/droplets/").is_none());
        assert!(find("GET", "/v2/droplets/1/2").is_none());
        assert!(find("PATCH", "/v2/droplets/1").is_none());
    }

    #[test]
    fn legacy_scopes_cover_reads_or_writes() {
        let read = vec!["read".to_string()];
        assert!(grants(&read, "droplet:read") && !grants(&read, "droplet:create"));
        let fine = vec!["droplet:read".to_string()];
        assert!(grants(&fine, "droplet:read") && !grants(&fine, "ssh_key:read"));
    }
}
