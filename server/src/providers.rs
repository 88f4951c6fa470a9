//! The provider clients as the operator configured them: Hetzner's always,
//! DigitalOcean's when an OAuth app is registered.

use std::sync::Arc;
use std::time::Duration;

use domain::connections::digitalocean::DigitalOceanSetup;
use domain::connections::{CheckLimits, Connections};
use domain::crypto::Keyring;
use domain::providers::digitalocean::{
    ClientSecret, DigitalOceanClient, DigitalOceanConfig, OAuthApp,
};
use domain::providers::hetzner::{ClientConfig, HetznerClient, RetryPolicy};
use domain::Database;

use crate::config::Settings;
use crate::StartError;

/// The connections service with the Hetzner client and, where configured,
/// DigitalOcean's.
pub(crate) fn connections(
    settings: &Settings,
    db: Database,
    keyring: Arc<Keyring>,
) -> Result<Connections, StartError> {
    let request_timeout = Duration::from_secs_f64(settings.hetzner_timeout_secs.clamp(0.1, 120.0));
    let defaults = ClientConfig::default();
    let hetzner = HetznerClient::new(ClientConfig {
        base_url: settings.hetzner_api_url.clone(),
        request_timeout,
        retry: RetryPolicy {
            deadline: request_timeout * 2,
            ..defaults.retry.clone()
        },
        ..defaults
    })
    .map_err(|e| StartError::Hetzner(e.to_string()))?;
    let mut connections = Connections::new(db, keyring, hetzner).with_check_limits(CheckLimits {
        per_user: settings.token_checks_per_user.max(1),
        per_token: settings.token_checks_per_token.max(1),
    });
    if let Some(setup) = digitalocean_setup(settings, request_timeout)? {
        connections = connections.with_digitalocean(setup);
    }
    Ok(connections)
}

/// The DigitalOcean client and OAuth app, when the operator configured one:
/// a client id and a secret (from the environment, a flag or a file).
fn digitalocean_setup(
    settings: &Settings,
    request_timeout: Duration,
) -> Result<Option<DigitalOceanSetup>, StartError> {
    let secret = match (
        &settings.digitalocean_client_secret,
        &settings.digitalocean_client_secret_file,
    ) {
        (Some(secret), None) => Some(zeroize::Zeroizing::new(secret.clone())),
        (None, Some(path)) => Some(zeroize::Zeroizing::new(
            std::fs::read_to_string(path).map_err(|e| {
                StartError::DigitalOcean(format!("cannot read {}: {e}", path.display()))
            })?,
        )),
        (None, None) => None,
        (Some(_), Some(_)) => {
            return Err(StartError::DigitalOcean(
                "give the client secret once: a value or a file".into(),
            ))
        }
    };
    let (client_id, secret) = match (settings.digitalocean_client_id.as_deref(), secret) {
        (None, None) => return Ok(None),
        (Some(id), Some(secret)) if !id.trim().is_empty() && !secret.trim().is_empty() => {
            (id.trim(), secret)
        }
        _ => {
            return Err(StartError::DigitalOcean(
                "set both the client id and the client secret".into(),
            ))
        }
    };
    let defaults = DigitalOceanConfig::default();
    let client = DigitalOceanClient::new(DigitalOceanConfig {
        api_base_url: settings.digitalocean_api_url.clone(),
        oauth_base_url: settings.digitalocean_oauth_url.clone(),
        request_timeout,
        retry: RetryPolicy {
            deadline: request_timeout * 2,
            ..defaults.retry.clone()
        },
        ..defaults
    })
    .map_err(|e| StartError::DigitalOcean(e.to_string()))?;
    let app = OAuthApp {
        client_id: client_id.to_string(),
        client_secret: ClientSecret::new(secret.trim()),
        redirect_uri: format!(
            "{}{}",
            settings.public_url(),
            app::providers::digitalocean::CALLBACK_PATH
        ),
    };
    Ok(Some(DigitalOceanSetup::new(client, app)))
}
