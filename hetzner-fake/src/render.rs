//! The fake's resources as Hetzner's JSON.

use serde_json::{json, Value};
use std::time::Instant;

use crate::catalogue;
use crate::world::{rfc3339_now, server_status, Action, FakeConfig, Server, Snapshot, SshKey};

pub fn server_json(s: &Server, config: &FakeConfig) -> Value {
    let ipv4_ptr = s
        .dns_ptrs
        .get(&s.ipv4)
        .cloned()
        .unwrap_or_else(|| format!("static.{}.clients.your-server.de", s.ipv4));
    let ipv6_ptrs: Vec<Value> = s
        .dns_ptrs
        .iter()
        .filter(|(ip, _)| **ip != s.ipv4)
        .map(|(ip, dns_ptr)| json!({ "ip": ip, "dns_ptr": dns_ptr }))
        .collect();
    json!({
        "id": s.id, "name": s.name, "status": server_status(s, config), "created": s.created,
        "public_net": {
            "ipv4": {
                "id": s.id + 1, "ip": s.ipv4, "blocked": false,
                "dns_ptr": ipv4_ptr,
            },
            "ipv6": { "id": s.id + 2, "ip": s.ipv6_net, "blocked": false, "dns_ptr": ipv6_ptrs },
            "floating_ips": [], "firewalls": [],
        },
        "private_net": [],
        "server_type": catalogue::server_type_json(s.server_type),
        "location": catalogue::location_json(s.location),
        "image": catalogue::image_json(s.image),
        "iso": null, "rescue_enabled": s.rescue_enabled, "locked": false, "backup_window": s.backup_window,
        "outgoing_traffic": 0, "ingoing_traffic": 0, "included_traffic": 21_990_232_555_520_i64,
        "protection": { "delete": s.delete_protected, "rebuild": s.delete_protected },
        "labels": s.labels, "volumes": [], "load_balancers": [],
        "primary_disk_size": s.disk_gb, "placement_group": null,
    })
}

pub fn snapshot_json(s: &Snapshot) -> Value {
    let ready = Instant::now() >= s.ready_at;
    json!({
        "id": s.id, "type": "snapshot", "status": if ready { "available" } else { "creating" },
        "name": null, "description": s.description,
        "image_size": if ready { Value::from(s.size_gb) } else { Value::Null },
        "disk_size": s.disk_gb, "created": s.created,
        "created_from": { "id": s.from.0, "name": s.from.1 }, "bound_to": null,
        "os_flavor": "unknown", "os_version": null, "rapid_deploy": false,
        "protection": { "delete": false }, "deprecated": null, "deleted": null,
        "labels": s.labels, "architecture": s.architecture,
    })
}

pub fn ssh_key_json(k: &SshKey) -> Value {
    json!({
        "id": k.id, "name": k.name, "fingerprint": k.fingerprint,
        "public_key": k.public_key, "labels": k.labels, "created": k.created,
    })
}

pub fn action_json(a: &Action) -> Value {
    let now = Instant::now();
    let elapsed = now.saturating_duration_since(a.starts_at);
    let done = elapsed >= a.duration;
    let progress = if done {
        100
    } else {
        (elapsed.as_secs_f64() / a.duration.as_secs_f64() * 100.0).floor() as i64
    };
    json!({
        "id": a.id, "command": a.command,
        "status": if done { "success" } else { "running" },
        "progress": progress, "started": a.started,
        "finished": if done { Value::from(rfc3339_now()) } else { Value::Null },
        "resources": [{ "id": a.server_id, "type": "server" }],
        "error": null,
    })
}
