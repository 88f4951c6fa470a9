//! The HTML pages of the fake's OAuth consent: sign in, pick a team, see the
//! scopes, Authorize or Deny; and the error page that never redirects.

use crate::world::ConsentView;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · DigitalOcean (fake)</title></head><body><main>\
         <h1>{title}</h1>{body}</main></body></html>",
        title = escape(title)
    )
}

pub fn error(message: &str) -> String {
    page(
        "Authorization error",
        &format!("<p role=\"alert\">{}</p>", escape(message)),
    )
}

pub fn sign_in(request: &str, view: &ConsentView, failed: bool) -> String {
    let alert = if failed {
        "<p role=\"alert\">Incorrect email or password.</p>"
    } else {
        ""
    };
    page(
        "Sign in to DigitalOcean",
        &format!(
            "<p>{app} wants to access your DigitalOcean account.</p>{alert}\
             <form method=\"post\" action=\"/v1/oauth/authorize/sign_in\">\
             <input type=\"hidden\" name=\"request\" value=\"{request}\">\
             <p><label for=\"email\">Email</label> <input id=\"email\" name=\"email\" type=\"email\" required></p>\
             <p><label for=\"password\">Password</label> \
             <input id=\"password\" name=\"password\" type=\"password\" required></p>\
             <p><button type=\"submit\">Sign in</button></p></form>",
            app = escape(&view.app_name),
            request = escape(request),
        ),
    )
}

pub fn consent(request: &str, view: &ConsentView) -> String {
    let teams: String = view
        .teams
        .iter()
        .enumerate()
        .map(|(i, (uuid, name))| {
            format!(
                "<p><input type=\"radio\" id=\"team-{i}\" name=\"team\" value=\"{uuid}\"{checked}> \
                 <label for=\"team-{i}\">{name}</label></p>",
                uuid = escape(uuid),
                name = escape(name),
                checked = if i == 0 { " checked" } else { "" },
            )
        })
        .collect();
    let scopes: String = view
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    page(
        &format!("Authorize {}", view.app_name),
        &format!(
            "<form method=\"post\" action=\"/v1/oauth/authorize/decision\">\
             <input type=\"hidden\" name=\"request\" value=\"{request}\">\
             <fieldset><legend>Team</legend>{teams}</fieldset>\
             <h2>{app} will be able to</h2><ul>{scopes}</ul>\
             <p><button type=\"submit\" name=\"decision\" value=\"authorize\">Authorize application</button> \
             <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></p></form>",
            request = escape(request),
            app = escape(&view.app_name),
        ),
    )
}
