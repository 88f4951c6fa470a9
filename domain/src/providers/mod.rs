//! The typed clients of the providers' APIs (`hetzner/`, `digitalocean/`)
//! and what they share (`http.rs`: the HTTP client, retries, capped reading,
//! rate-limit headers). What their answers mean for a connection is
//! `connections/`'; what they do in a project, `provisioning/`.

pub mod digitalocean;
pub mod hetzner;
pub mod http;
