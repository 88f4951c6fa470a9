//! The JSON the API gives for each resource.

use serde_json::{json, Value};

use crate::catalogue;
use crate::clock::rfc3339;
use crate::world::{AccountStatus, Action, Droplet, DropletStatus, SshKey, Team, User};

pub fn account_json(user: &User, team: Option<&Team>) -> Value {
    let status_message = match user.status {
        AccountStatus::Active => "",
        _ => "Your account needs attention.",
    };
    let mut account = json!({
        "droplet_limit": 25, "floating_ip_limit": 3, "email": user.email, "name": user.name,
        "uuid": user.uuid, "email_verified": user.email_verified, "status": user.status.as_str(),
        "status_message": status_message,
    });
    if let Some(team) = team {
        account["team"] = json!({ "uuid": team.uuid, "name": team.name });
    }
    json!({ "account": account })
}

pub fn ssh_key_json(key: &SshKey) -> Value {
    json!({ "id": key.id, "fingerprint": key.fingerprint, "public_key": key.public_key, "name": key.name })
}

fn region_object(slug: &str) -> Value {
    catalogue::region(slug)
        .map(catalogue::region_json)
        .unwrap_or(Value::Null)
}

pub fn droplet_json(d: &Droplet, now_ms: i64) -> Value {
    let status = d.status(now_ms);
    let size = catalogue::size(d.size);
    let networks = if status == DropletStatus::New {
        json!({ "v4": [], "v6": [] })
    } else {
        let v6: Vec<Value> = d
            .ipv6
            .iter()
            .map(|ip| json!({ "ip_address": ip, "netmask": 64, "gateway": "2a03:b0c0:3:d0::1", "type": "public" }))
            .collect();
        json!({
            "v4": [{ "ip_address": d.ipv4, "netmask": "255.255.240.0", "gateway": "164.90.0.1", "type": "public" }],
            "v6": v6,
        })
    };
    let features: Vec<&str> = [(d.ipv6.is_some(), "ipv6"), (d.backups, "backups")]
        .into_iter()
        .filter_map(|(on, feature)| on.then_some(feature))
        .collect();
    // Weekly, Sundays from midnight UTC: the plan Potions asks for.
    let backup_window = d
        .backups
        .then(|| json!({ "start": "2026-12-13T00:00:00Z", "end": "2026-12-13T04:00:00Z" }));
    json!({
        "id": d.id, "name": d.name,
        "memory": size.map(|s| s.memory_mb).unwrap_or_default(),
        "vcpus": size.map(|s| s.vcpus).unwrap_or_default(),
        "disk": d.disk_gb,
        "locked": false, "status": status.as_str(), "created_at": rfc3339(d.created_ms),
        "features": features, "backup_ids": [], "next_backup_window": backup_window,
        "snapshot_ids": [], "volume_ids": [],
        "image": catalogue::image(d.image).map(catalogue::image_json).unwrap_or(Value::Null),
        "size": size.map(catalogue::size_json).unwrap_or(Value::Null),
        "size_slug": d.size, "networks": networks, "region": region_object(d.region), "tags": d.tags,
        "vpc_uuid": "5a4981aa-9653-4bd1-bef5-d6bff52042e4",
    })
}

/// A droplet's snapshot: about a twentieth of its disk, billed by size.
pub fn snapshot_json(id: i64, name: &str, taken_ms: i64, d: &Droplet) -> Value {
    json!({
        "id": id, "name": name, "type": "snapshot", "created_at": rfc3339(taken_ms),
        "regions": [d.region], "min_disk_size": d.disk_gb,
        "resource_id": d.id.to_string(), "resource_type": "droplet",
        "size_gigabytes": (d.disk_gb as f64 / 20.0 * 100.0).round() / 100.0,
    })
}

/// As `/v2/snapshots` lists it: the id as text, and its tags.
pub fn team_snapshot_json(id: i64, name: &str, taken_ms: i64, d: &Droplet) -> Value {
    let mut snapshot = snapshot_json(id, name, taken_ms, d);
    snapshot["id"] = json!(id.to_string());
    snapshot["tags"] = json!([]);
    snapshot
}

pub fn action_json(a: &Action, now_ms: i64) -> Value {
    let status = a.status(now_ms);
    json!({
        "id": a.id, "status": status, "type": a.kind, "started_at": rfc3339(a.started_ms),
        "completed_at": if status == "completed" { json!(rfc3339(a.completes_ms)) } else { Value::Null },
        "resource_id": a.resource_id, "resource_type": "droplet",
        "region": region_object(a.region), "region_slug": a.region,
    })
}

pub fn tag_json(name: &str, team: &Team) -> Value {
    let count = team
        .droplets
        .values()
        .filter(|d| d.tags.iter().any(|t| t == name))
        .count();
    json!({ "name": name, "resources": { "count": count, "droplets": { "count": count } } })
}

/// One page of a list, as DigitalOcean pages: `page` from 1, `per_page`
/// 20 by default and 200 at most, `links.pages` only when there is more
/// than one page, and `meta.total` always.
pub fn page(key: &str, items: Vec<Value>, page: usize, per_page: usize, url: &str) -> Value {
    let per_page = per_page.clamp(1, 200);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let page = page.max(1);
    let start = (page - 1).saturating_mul(per_page).min(total);
    let shown: Vec<Value> = items.into_iter().skip(start).take(per_page).collect();
    let mut body = json!({ key: shown, "meta": { "total": total } });
    if last > 1 {
        let link = |n: usize| {
            format!(
                "{url}{}page={n}&per_page={per_page}",
                if url.contains('?') { "&" } else { "?" }
            )
        };
        let mut pages = serde_json::Map::new();
        if page > 1 {
            pages.insert("first".into(), json!(link(1)));
            pages.insert("prev".into(), json!(link(page - 1)));
        }
        if page < last {
            pages.insert("next".into(), json!(link(page + 1)));
            pages.insert("last".into(), json!(link(last)));
        }
        body["links"] = json!({ "pages": pages });
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_have_no_links_and_long_ones_link_onward() {
        let items = |n: usize| (0..n).map(|i| json!(i)).collect::<Vec<_>>();
        let short = page("xs", items(3), 1, 20, "http://h/v2/xs");
        assert!(short.get("links").is_none());
        assert_eq!(short["meta"]["total"], 3);
        let first = page("xs", items(45), 1, 20, "http://h/v2/xs");
        assert_eq!(
            first["links"]["pages"]["next"],
            "http://h/v2/xs?page=2&per_page=20"
        );
        assert!(first["links"]["pages"].get("prev").is_none());
        let last = page("xs", items(45), 3, 20, "http://h/v2/xs?tag_name=a");
        assert_eq!(last["xs"].as_array().map(Vec::len), Some(5));
        assert_eq!(
            last["links"]["pages"]["first"],
            "http://h/v2/xs?tag_name=a&page=1&per_page=20"
        );
        assert!(last["links"]["pages"].get("next").is_none());
        assert_eq!(
            page("xs", items(500), 1, 1000, "u")["xs"]
                .as_array()
                .map(Vec::len),
            Some(200)
        );
    }
}
