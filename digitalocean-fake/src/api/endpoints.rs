//! The API v2 endpoints: each (method, template) to a world call and its JSON.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{Answer, Request};
use crate::catalogue;
use crate::error::ApiError;
use crate::render;
use crate::scopes::Route;
use crate::world::{Grant, World};

/// The last path segment, decoded: the id, fingerprint or name in a
/// templated path.
fn identifier(request: &Request) -> String {
    fake_kit::path::segments(request.path, "/v2")
        .pop()
        .unwrap_or_default()
}

fn json_body(request: &Request) -> Result<Value, ApiError> {
    match serde_json::from_slice::<Value>(request.body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(ApiError::bad_request(
            "The request body is not a JSON object.",
        )),
    }
}

/// One page of `items`, linking onward with the request's filters kept.
fn list(request: &Request, key: &str, items: Vec<Value>) -> Answer {
    let number = |name: &str, default: usize| {
        request
            .param(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let filters: Vec<String> = request
        .query
        .iter()
        .filter(|(k, _)| k != "page" && k != "per_page")
        .map(|(k, v)| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair(k, v)
                .finish()
        })
        .collect();
    let mut url = format!("{}{}", request.origin, request.path);
    if !filters.is_empty() {
        url = format!("{url}?{}", filters.join("&"));
    }
    Answer::ok(render::page(
        key,
        items,
        number("page", 1),
        number("per_page", 20),
        &url,
    ))
}

pub(super) fn dispatch(
    world: &mut World,
    grant: &Grant,
    route: &Route,
    request: &Request,
) -> Result<Answer, ApiError> {
    let team_id = grant.team.as_str();
    let now = world.clock.now_ms();
    let team = world.team(team_id).ok_or_else(ApiError::not_found)?;
    Ok(match (route.method, route.template) {
        ("GET", "/v2/account") => {
            let user = world.user(&grant.user).ok_or_else(ApiError::unauthorized)?;
            Answer::ok(render::account_json(user, Some(team)))
        }
        ("GET", "/v2/account/keys") => list(
            request,
            "ssh_keys",
            team.ssh_keys.values().map(render::ssh_key_json).collect(),
        ),
        ("POST", "/v2/account/keys") => {
            let key = world.create_ssh_key(team_id, &json_body(request)?)?;
            Answer::created(json!({ "ssh_key": render::ssh_key_json(&key) }))
        }
        ("GET", "/v2/account/keys/{ssh_key_identifier}") => {
            let key = world
                .find_ssh_key(team_id, &identifier(request))
                .ok_or_else(ApiError::not_found)?;
            Answer::ok(json!({ "ssh_key": render::ssh_key_json(key) }))
        }
        ("PUT", "/v2/account/keys/{ssh_key_identifier}") => {
            let key = world.rename_ssh_key(team_id, &identifier(request), &json_body(request)?)?;
            Answer::ok(json!({ "ssh_key": render::ssh_key_json(&key) }))
        }
        ("DELETE", "/v2/account/keys/{ssh_key_identifier}") => {
            world.delete_ssh_key(team_id, &identifier(request))?;
            Answer::no_content()
        }
        ("GET", "/v2/droplets") => {
            let (tag, name) = (request.param("tag_name"), request.param("name"));
            let droplets = team
                .droplets
                .values()
                .filter(|d| tag.is_none_or(|t| d.tags.iter().any(|x| x == t)))
                .filter(|d| name.is_none_or(|n| d.name == n))
                .map(|d| render::droplet_json(d, now))
                .collect();
            list(request, "droplets", droplets)
        }
        ("POST", "/v2/droplets") => {
            let (droplet, action) = world.create_droplet(team_id, &json_body(request)?)?;
            let href = format!("{}/v2/actions/{action}", request.origin);
            Answer {
                status: StatusCode::ACCEPTED,
                body: Some(json!({
                    "droplet": render::droplet_json(&droplet, now),
                    "links": { "actions": [{ "id": action, "rel": "create", "href": href }] },
                })),
            }
        }
        ("GET", "/v2/droplets/{droplet_id}") => {
            let id = identifier(request)
                .parse::<i64>()
                .map_err(|_| ApiError::not_found())?;
            let droplet = team.droplets.get(&id).ok_or_else(ApiError::not_found)?;
            Answer::ok(json!({ "droplet": render::droplet_json(droplet, now) }))
        }
        ("POST", "/v2/droplets/{droplet_id}/actions") => {
            let droplet_id = fake_kit::path::segments(request.path, "/v2")
                .get(1)
                .cloned()
                .unwrap_or_default();
            let action = world.droplet_action(team_id, &droplet_id, &json_body(request)?)?;
            Answer {
                status: StatusCode::CREATED,
                body: Some(json!({ "action": render::action_json(&action, now) })),
            }
        }
        ("GET", "/v2/droplets/{droplet_id}/snapshots") => {
            let id = fake_kit::path::segments(request.path, "/v2")
                .get(1)
                .and_then(|id| id.parse::<i64>().ok())
                .ok_or_else(ApiError::not_found)?;
            let droplet = team.droplets.get(&id).ok_or_else(ApiError::not_found)?;
            let snapshots = droplet
                .snapshots
                .iter()
                .filter(|(_, _, _, ready_ms)| now >= *ready_ms)
                .map(|(id, name, taken_ms, _)| render::snapshot_json(*id, name, *taken_ms, droplet))
                .collect();
            list(request, "snapshots", snapshots)
        }
        ("GET", "/v2/snapshots") => {
            // Only droplet snapshots are modelled: a volume filter finds none.
            let droplets = matches!(request.param("resource_type"), None | Some("droplet"));
            let snapshots = team
                .snapshot_sources()
                .filter(|_| droplets)
                .flat_map(|droplet| {
                    droplet
                        .snapshots
                        .iter()
                        .filter(|(_, _, _, ready_ms)| now >= *ready_ms)
                        .map(|(id, name, taken_ms, _)| {
                            render::team_snapshot_json(*id, name, *taken_ms, droplet)
                        })
                })
                .collect();
            list(request, "snapshots", snapshots)
        }
        ("DELETE", "/v2/snapshots/{snapshot_id}") => {
            let id = identifier(request);
            let team = world.team_or_404(team_id)?;
            let removed = team
                .droplets
                .values_mut()
                .chain(team.gone.values_mut())
                .any(|droplet| {
                    let before = droplet.snapshots.len();
                    droplet
                        .snapshots
                        .retain(|(snapshot, ..)| snapshot.to_string() != id);
                    droplet.snapshots.len() != before
                });
            if !removed {
                return Err(ApiError::not_found());
            }
            Answer::no_content()
        }
        ("DELETE", "/v2/droplets/{droplet_id}") => {
            world.delete_droplet(team_id, &identifier(request))?;
            Answer::no_content()
        }
        ("GET", "/v2/actions") => {
            let actions = world
                .actions
                .values()
                .rev()
                .filter(|a| a.team == team_id)
                .map(|a| render::action_json(a, now))
                .collect();
            list(request, "actions", actions)
        }
        ("GET", "/v2/actions/{action_id}") => {
            let id = identifier(request)
                .parse::<i64>()
                .map_err(|_| ApiError::not_found())?;
            let action = world
                .actions
                .get(&id)
                .filter(|a| a.team == team_id)
                .ok_or_else(ApiError::not_found)?;
            Answer::ok(json!({ "action": render::action_json(action, now) }))
        }
        ("GET", "/v2/regions") => list(
            request,
            "regions",
            catalogue::REGIONS
                .iter()
                .map(catalogue::region_json)
                .collect(),
        ),
        ("GET", "/v2/sizes") => list(
            request,
            "sizes",
            catalogue::SIZES.iter().map(catalogue::size_json).collect(),
        ),
        ("GET", "/v2/images") => {
            // The fake has distribution images only.
            let public = request.param("private") != Some("true");
            let distribution = request.param("type").is_none_or(|t| t == "distribution");
            let images = catalogue::IMAGES
                .iter()
                .filter(|_| public && distribution)
                .map(catalogue::image_json)
                .collect();
            list(request, "images", images)
        }
        ("GET", "/v2/tags") => list(
            request,
            "tags",
            team.tags
                .iter()
                .map(|t| render::tag_json(t, team))
                .collect(),
        ),
        ("POST", "/v2/tags") => {
            let name = world.create_tag(team_id, &json_body(request)?)?;
            let team = world.team(team_id).ok_or_else(ApiError::not_found)?;
            Answer::created(json!({ "tag": render::tag_json(&name, team) }))
        }
        ("GET", "/v2/tags/{tag_id}") => {
            let name = identifier(request);
            if !team.tags.contains(&name) {
                return Err(ApiError::not_found());
            }
            Answer::ok(json!({ "tag": render::tag_json(&name, team) }))
        }
        ("DELETE", "/v2/tags/{tag_id}") => {
            world.delete_tag(team_id, &identifier(request))?;
            Answer::no_content()
        }
        _ => return Err(ApiError::not_found()),
    })
}
