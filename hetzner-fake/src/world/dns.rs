//! Reverse DNS (`POST /servers/{id}/actions/change_dns_ptr` with `ip` and
//! `dns_ptr`): for the server's IPv4 address or an address of its IPv6
//! network; `null` resets it to Hetzner's default.

use serde_json::Value;
use std::time::{Duration, Instant};

use super::{Action, ProjectId, World};
use crate::error::ApiError;

impl World {
    pub fn change_dns_ptr(
        &mut self,
        project: ProjectId,
        server_id: i64,
        body: &Value,
    ) -> Result<Action, ApiError> {
        let ip = body.get("ip").and_then(Value::as_str).unwrap_or_default();
        let dns_ptr = match body.get("dns_ptr") {
            Some(Value::Null) => None,
            Some(Value::String(name)) if model::limits::is_valid_server_name(name) => {
                Some(name.clone())
            }
            _ => {
                return Err(ApiError::invalid_input(&[(
                    "dns_ptr",
                    "must be a valid hostname",
                )]))
            }
        };
        let server = self
            .project(project)?
            .servers
            .get(&server_id)
            .ok_or_else(|| ApiError::not_found("server"))?;
        let network = server.ipv6_net.trim_end_matches("::/64");
        let parsed_v6: Option<std::net::Ipv6Addr> = ip.parse().ok();
        let in_v6 = parsed_v6.is_some_and(|addr| {
            network
                .parse::<std::net::Ipv6Addr>()
                .or_else(|_| format!("{network}::").parse())
                .is_ok_and(|net| addr.segments()[..4] == net.segments()[..4])
        });
        if ip != server.ipv4 && !in_v6 {
            return Err(ApiError::invalid_input(&[(
                "ip",
                "ip is not assigned to this server",
            )]));
        }
        let action = self.new_action("change_dns_ptr", server_id, Instant::now(), Duration::ZERO);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            match dns_ptr {
                Some(name) => server.dns_ptrs.insert(ip.to_string(), name),
                None => server.dns_ptrs.remove(ip),
            };
        }
        p.actions.insert(action.id, action.clone());
        Ok(action)
    }
}
