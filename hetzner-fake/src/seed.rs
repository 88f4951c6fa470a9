//! The seed file the binary starts from: projects, their tokens and servers.
//!
//! ```json
//! { "projects": [ {
//!     "name": "demo",
//!     "tokens": [ { "token": "<64 letters and digits>", "permission": "read_write" },
//!                 { "token": "<64 letters and digits>", "permission": "read" } ],
//!     "servers": [ { "name": "web-1", "server_type": "cx22", "location": "fsn1", "image": "ubuntu-24.04" } ]
//! } ] }
//! ```

use serde::Deserialize;

use crate::world::{Permission, World};

#[derive(Debug, Deserialize)]
pub struct Seed {
    pub projects: Vec<SeedProject>,
}

#[derive(Debug, Deserialize)]
pub struct SeedProject {
    pub name: String,
    #[serde(default)]
    pub tokens: Vec<SeedToken>,
    #[serde(default)]
    pub servers: Vec<SeedServer>,
}

#[derive(Debug, Deserialize)]
pub struct SeedToken {
    pub token: String,
    pub permission: Permission,
}

#[derive(Debug, Deserialize)]
pub struct SeedServer {
    pub name: String,
    pub server_type: String,
    pub location: String,
    #[serde(default = "default_image")]
    pub image: String,
}

fn default_image() -> String {
    "ubuntu-24.04".into()
}

impl Seed {
    pub fn apply(&self, world: &mut World) -> Result<(), String> {
        for project in &self.projects {
            let index = world.add_project(&project.name);
            for token in &project.tokens {
                world.add_token(index, token.permission, Some(token.token.clone()));
            }
            for s in &project.servers {
                world
                    .seed_server(index, &s.name, &s.server_type, &s.location, &s.image)
                    .ok_or_else(|| {
                        format!("seed server {}: unknown type, location or image", s.name)
                    })?;
            }
        }
        Ok(())
    }
}
