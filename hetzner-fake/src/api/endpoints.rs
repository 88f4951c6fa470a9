//! One arm per endpoint: what each `/v1` path reads or changes in the world.
//! The create-server request itself is validated in `world/servers.rs`.

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::Answer;
use crate::catalogue;
use crate::error::ApiError;
use crate::query::{paginate, sort, LabelSelector, Query};
use crate::render;
use crate::world::{is_power_command, ProjectId, World};

fn parse_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(what))
}

fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::json_error(format!("invalid JSON: {e}")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ApiError::json_error("request body must be a JSON object"))
    }
}

fn labels_match(item: &Value, selector: &Option<LabelSelector>) -> bool {
    let labels = item["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    selector.as_ref().is_none_or(|s| s.matches(&labels))
}

/// Filters by exact field values and label selector, sorts, paginates.
fn list(
    key: &str,
    path: &str,
    mut items: Vec<Value>,
    query: &Query,
    fields: &[&str],
) -> Result<Answer, ApiError> {
    let selector = query
        .get("label_selector")
        .map(LabelSelector::parse)
        .transpose()?;
    items.retain(|item| {
        labels_match(item, &selector)
            && fields.iter().all(|f| {
                let wanted = query.all(f);
                wanted.is_empty() || wanted.iter().any(|w| item[*f].as_str() == Some(w))
            })
    });
    sort(&mut items, query)?;
    let (page, meta, link) = paginate(items, query, path)?;
    Ok(Answer {
        status: StatusCode::OK,
        body: Some(json!({ key: page, "meta": meta })),
        link: Some(link),
    })
}

pub(super) fn dispatch(
    world: &mut World,
    project: ProjectId,
    method: &Method,
    path: &str,
    query: &Query,
    body: &Bytes,
) -> Result<Answer, ApiError> {
    let decoded = fake_kit::path::segments(path, "/v1");
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let config = world.config.clone();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["servers"]) => {
            let p = world.project(project)?;
            let items = p
                .servers
                .values()
                .map(|s| render::server_json(s, &config))
                .collect();
            list("servers", "/servers", items, query, &["name", "status"])
        }
        ("POST", ["servers"]) => {
            let body = parse_body(body)?;
            let created = world.create_server(project, &body)?;
            let mut answer = Answer::ok(json!({
                "server": render::server_json(&created.server, &config),
                "action": render::action_json(&created.create),
                "next_actions": [render::action_json(&created.start)],
                "root_password": created.root_password,
            }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("GET", ["servers", id]) => {
            let id = parse_id(id, "server")?;
            let server = world
                .project(project)?
                .servers
                .get(&id)
                .ok_or_else(|| ApiError::not_found("server"))?;
            Ok(Answer::ok(
                json!({ "server": render::server_json(server, &config) }),
            ))
        }
        (
            "POST",
            ["servers", id, "actions", setting @ ("change_dns_ptr" | "change_protection")],
        ) => {
            let body = parse_body(body)?;
            let server_id = parse_id(id, "server")?;
            let action = if *setting == "change_dns_ptr" {
                world.change_dns_ptr(project, server_id, &body)?
            } else {
                world.change_protection(project, server_id, &body)?
            };
            let mut answer = Answer::ok(json!({ "action": render::action_json(&action) }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("POST", ["servers", id, "actions", command @ ("enable_backup" | "disable_backup")]) => {
            let on = *command == "enable_backup";
            let action = world.set_backups(project, parse_id(id, "server")?, on)?;
            let mut answer = Answer::ok(json!({ "action": render::action_json(&action) }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("POST", ["servers", id, "actions", "rebuild"]) => {
            let body = parse_body(body)?;
            let (action, root_password) = world.rebuild(project, parse_id(id, "server")?, &body)?;
            let mut answer = Answer::ok(json!({
                "action": render::action_json(&action),
                "root_password": root_password,
            }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("POST", ["servers", id, "actions", command @ ("enable_rescue" | "disable_rescue")]) => {
            let body = if *command == "enable_rescue" {
                Some(parse_body(body)?)
            } else {
                None
            };
            let server_id = parse_id(id, "server")?;
            let (action, root_password) = world.set_rescue(project, server_id, body.as_ref())?;
            let mut answer = Answer::ok(json!({ "action": render::action_json(&action) }));
            if let Some(password) = root_password {
                answer = Answer::ok(json!({
                    "action": render::action_json(&action),
                    "root_password": password,
                }));
            }
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("POST", ["servers", id, "actions", "create_image"]) => {
            let body = parse_body(body)?;
            let (image, action) = world.create_image(project, parse_id(id, "server")?, &body)?;
            let mut answer = Answer::ok(json!({
                "image": render::snapshot_json(&image),
                "action": render::action_json(&action),
            }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("POST", ["servers", id, "actions", "change_type"]) => {
            let body = parse_body(body)?;
            let action = world.change_type(project, parse_id(id, "server")?, &body)?;
            let mut answer = Answer::ok(json!({ "action": render::action_json(&action) }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("POST", ["servers", id, "actions", command]) if is_power_command(command) => {
            let action = world.power_action(project, parse_id(id, "server")?, command)?;
            let mut answer = Answer::ok(json!({ "action": render::action_json(&action) }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("PUT", ["servers", id]) => {
            let body = parse_body(body)?;
            let server = world.rename_server(project, parse_id(id, "server")?, &body)?;
            Ok(Answer::ok(
                json!({ "server": render::server_json(server, &config) }),
            ))
        }
        ("DELETE", ["images", id]) => {
            let id = parse_id(id, "image")?;
            if catalogue::IMAGES.iter().any(|image| image.id == id) {
                return Err(ApiError::from_code(
                    "forbidden",
                    "system images cannot be deleted",
                ));
            }
            world
                .project_mut(project)?
                .snapshots
                .remove(&id)
                .ok_or_else(|| ApiError::not_found("image"))?;
            Ok(Answer {
                status: StatusCode::NO_CONTENT,
                body: None,
                link: None,
            })
        }
        ("DELETE", ["servers", id]) => {
            let action = world.delete_server(project, parse_id(id, "server")?)?;
            Ok(Answer::ok(
                json!({ "action": render::action_json(&action) }),
            ))
        }
        ("GET", ["ssh_keys"]) => {
            let items = world
                .project(project)?
                .ssh_keys
                .values()
                .map(render::ssh_key_json)
                .collect();
            list(
                "ssh_keys",
                "/ssh_keys",
                items,
                query,
                &["name", "fingerprint"],
            )
        }
        ("POST", ["ssh_keys"]) => {
            let body = parse_body(body)?;
            let key = world.create_ssh_key(project, &body)?;
            let mut answer = Answer::ok(json!({ "ssh_key": render::ssh_key_json(&key) }));
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("GET", ["ssh_keys", id]) => {
            let id = parse_id(id, "ssh_key")?;
            let key = world
                .project(project)?
                .ssh_keys
                .get(&id)
                .ok_or_else(|| ApiError::not_found("ssh_key"))?;
            Ok(Answer::ok(json!({ "ssh_key": render::ssh_key_json(key) })))
        }
        ("DELETE", ["ssh_keys", id]) => {
            world.delete_ssh_key(project, parse_id(id, "ssh_key")?)?;
            Ok(Answer {
                status: StatusCode::NO_CONTENT,
                body: None,
                link: None,
            })
        }
        ("GET", ["server_types"]) => {
            let items = catalogue::SERVER_TYPES
                .iter()
                .map(catalogue::server_type_json)
                .collect();
            list("server_types", "/server_types", items, query, &["name"])
        }
        ("GET", ["locations"]) => {
            let items = catalogue::LOCATIONS
                .iter()
                .map(catalogue::location_json)
                .collect();
            list("locations", "/locations", items, query, &["name"])
        }
        ("GET", ["images"]) => {
            if query
                .all("type")
                .iter()
                .any(|t| !matches!(*t, "system" | "snapshot" | "backup" | "app"))
            {
                return Err(ApiError::invalid_input(&[("type", "invalid image type")]));
            }
            let snapshots = world.project(project)?.snapshots.values();
            let items = catalogue::IMAGES
                .iter()
                .map(catalogue::image_json)
                .chain(snapshots.map(render::snapshot_json))
                .collect();
            list(
                "images",
                "/images",
                items,
                query,
                &["name", "type", "architecture", "status"],
            )
        }
        ("GET", ["pricing"]) => Ok(Answer::ok(catalogue::pricing_json())),
        ("GET", ["actions", id]) => {
            let id = parse_id(id, "action")?;
            let action = world
                .project(project)?
                .actions
                .get(&id)
                .ok_or_else(|| ApiError::not_found("action"))?;
            Ok(Answer::ok(json!({ "action": render::action_json(action) })))
        }
        ("GET", ["actions"]) => {
            let ids = query.all("id");
            if ids.is_empty() {
                return Err(ApiError::invalid_input(&[("id", "is required")]));
            }
            let p = world.project(project)?;
            let items = ids
                .iter()
                .filter_map(|id| id.parse::<i64>().ok())
                .filter_map(|id| p.actions.get(&id))
                .map(render::action_json)
                .collect();
            list("actions", "/actions", items, query, &["status"])
        }
        _ => Err(ApiError::not_found("resource")),
    }
}
