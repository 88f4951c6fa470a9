//! The seed file the binary starts from: users with their teams, and apps.
//!
//! ```json
//! { "users": [ { "email": "sammy@example.com", "password": "…", "name": "Sammy",
//!                "teams": ["Sammy's team", "Acme"] } ],
//!   "apps": [ { "name": "Potions (demo)", "client_id": "…", "client_secret": "…",
//!               "redirect_uri": "http://127.0.0.1:3000/connect/digitalocean/callback" } ] }
//! ```

use serde::Deserialize;

use crate::admin::NewUser;
use crate::world::{App, World};

#[derive(Deserialize)]
pub struct Seed {
    #[serde(default)]
    pub users: Vec<NewUser>,
    #[serde(default)]
    pub apps: Vec<App>,
}

impl Seed {
    pub fn apply(self, world: &mut World) -> Result<(), String> {
        for user in &self.users {
            if world.user_by_email_mut(&user.email).is_some() {
                return Err(format!("user {} appears twice", user.email));
            }
            world.add_user(&user.email, &user.password, &user.name, &user.teams);
        }
        for app in self.apps {
            if app.client_id.is_empty() || app.client_secret.is_empty() {
                return Err(format!(
                    "app {}: client_id and client_secret are required",
                    app.name
                ));
            }
            world.apps.push(app);
        }
        Ok(())
    }
}
