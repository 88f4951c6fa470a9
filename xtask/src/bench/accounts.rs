//! Setting the scene: accounts, fake projects and connections.

use super::http::Answer;
use super::{FAKE, POTIONS};
use crate::Result;

/// Signs up a new account and returns its session cookie (`name=value`).
pub fn sign_up(email: &str) -> Result<String> {
    let answer = POTIONS.post_form(
        "/api/sign_up",
        &[
            ("email", email),
            ("password", "correct horse battery staple"),
        ],
        "",
    )?;
    answer
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| "sign-up set no cookie".to_string())
}

/// A new project in the fake; answers its Read & Write token.
pub fn new_project(name: &str) -> Result<String> {
    let answer = FAKE.send_json(
        "POST",
        "/_admin/projects",
        &format!("{{\"name\":\"{name}\"}}"),
    )?;
    answer
        .body
        .split("\"read_write_token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .ok_or_else(|| format!("fake answered {}", answer.body))
}

/// One request to the fake as Potions' token check makes it (a one-server
/// page), timed from the first byte sent to the last received: what a Hetzner
/// round trip really takes here, the injected latency and the fake's own work.
pub fn fake_round_trip_ms(token: &str) -> Result<f64> {
    let started = std::time::Instant::now();
    fake_read(token, "/v1/servers?per_page=1")?;
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// Two requests to the fake sent at once, as Potions checks a new project's
/// token (a read and a write together), timed until both are answered: the
/// slower of two round trips. The write is stood in for by a read of the
/// project's keys, which leaves the fake as it was.
pub fn fake_concurrent_round_trips_ms(token: &str) -> Result<f64> {
    let started = std::time::Instant::now();
    let (servers, keys) = std::thread::scope(|scope| {
        let keys = scope.spawn(|| fake_read(token, "/v1/ssh_keys"));
        let servers = fake_read(token, "/v1/servers?per_page=1");
        (servers, keys.join())
    });
    servers?;
    keys.map_err(|_| "the request thread panicked".to_string())??;
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

fn fake_read(token: &str, path: &str) -> Result {
    let bearer = format!("Bearer {token}");
    let answer = FAKE.request("GET", path, &[("Authorization", &bearer)], "")?;
    if answer.status != 200 {
        return Err(format!("the fake answered {}", answer.status));
    }
    Ok(())
}

pub fn connect(cookie: &str, label: &str, token: &str) -> Result<Answer> {
    POTIONS.post_form(
        "/api/connect_hetzner",
        &[("label", label), ("token", token)],
        cookie,
    )
}

/// The id of the connection a successful connect redirected to.
pub fn connected_id(answer: &Answer) -> Option<String> {
    answer
        .header("location")?
        .strip_prefix("/?connected=")
        .map(str::to_string)
}

/// Connects `count` fresh projects of the fake for the account.
pub fn connect_projects(cookie: &str, prefix: &str, count: usize) -> Result {
    for n in 0..count {
        let token = new_project(&format!("{prefix}-{n}"))?;
        connect(cookie, prefix, &token)?;
    }
    Ok(())
}

pub fn set_latency(millis: u64) -> Result {
    FAKE.send_json(
        "PUT",
        "/_admin/latency",
        &format!("{{\"millis\":{millis}}}"),
    )
    .map(|_| ())
}
