//! What every test here shares: the app under test, the browser-like form
//! poster, the settings of a test instance, log capture and the paths of
//! server functions.

#[macro_use]
mod app;
mod digitalocean;
mod endpoints;
mod form;
mod invoke;
mod passkey;

pub use app::*;
pub use digitalocean::WithDigitalOcean;
pub use endpoints::*;
pub use form::form_post;
pub use passkey::{
    begin_sign_in as begin_passkey_sign_in, finish_sign_in as finish_passkey_sign_in, Authenticator,
};
