//! A user's browser on the fake's consent page, for tests: open the
//! authorize URL, sign in, pick a team, Authorize or Deny, and read where
//! DigitalOcean sends the browser back.

use reqwest::header::LOCATION;

/// What the consent page ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentOutcome {
    /// The redirect back to the app, with its query.
    Redirect(String),
    /// DigitalOcean's own error page (status and text), with no redirect.
    ErrorPage(u16, String),
}

fn hidden_request(page: &str) -> Option<String> {
    let marker = "name=\"request\" value=\"";
    let start = page.find(marker)? + marker.len();
    page[start..].split('"').next().map(str::to_string)
}

/// The radio value of the team named `team` on the consent page.
fn team_uuid(page: &str, team: &str) -> Option<String> {
    page.split("<input type=\"radio\"")
        .skip(1)
        .find_map(|entry| {
            let uuid = entry.split("value=\"").nth(1)?.split('"').next()?;
            let label = entry
                .split("<label")
                .nth(1)?
                .split_once('>')?
                .1
                .split("</label>")
                .next()?;
            (label == team.replace('\'', "&#39;")).then(|| uuid.to_string())
        })
}

/// Follows the consent flow from `authorize_url` as the user `email` would.
pub async fn consent(
    authorize_url: &str,
    email: &str,
    password: &str,
    team: &str,
    approve: bool,
) -> Result<ConsentOutcome, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let first = http
        .get(authorize_url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if let Some(location) = first.headers().get(LOCATION) {
        return Ok(ConsentOutcome::Redirect(
            location.to_str().map_err(|e| e.to_string())?.into(),
        ));
    }
    let status = first.status().as_u16();
    let page = first.text().await.map_err(|e| e.to_string())?;
    let Some(request) = hidden_request(&page) else {
        return Ok(ConsentOutcome::ErrorPage(status, page));
    };
    let origin = authorize_url.split("/v1/oauth").next().unwrap_or_default();
    let teams_page = http
        .post(format!("{origin}/v1/oauth/authorize/sign_in"))
        .form(&[
            ("request", request.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let team = team_uuid(&teams_page, team).ok_or("sign-in failed or no such team")?;
    let decision = if approve { "authorize" } else { "deny" };
    let answer = http
        .post(format!("{origin}/v1/oauth/authorize/decision"))
        .form(&[
            ("request", request.as_str()),
            ("team", team.as_str()),
            ("decision", decision),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match answer.headers().get(LOCATION) {
        Some(location) => Ok(ConsentOutcome::Redirect(
            location.to_str().map_err(|e| e.to_string())?.into(),
        )),
        None => Ok(ConsentOutcome::ErrorPage(
            answer.status().as_u16(),
            answer.text().await.unwrap_or_default(),
        )),
    }
}
