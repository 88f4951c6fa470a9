//! The browser's half of a passkey ceremony: hands the server's options to
//! `navigator.credentials` and answers the credential as JSON. The browser
//! parses and serialises the WebAuthn JSON itself
//! (`parse…OptionsFromJSON`, `toJSON`), so no codec is compiled in.

use crate::error::{AppError, Refusal};

/// Which ceremony: making a new passkey, or using one.
#[derive(Clone, Copy)]
pub enum Ceremony {
    Create,
    Get,
}

/// Runs the ceremony on `options` (the server's JSON); answers the
/// credential's JSON. A cancelled or timed-out request is a refusal.
#[cfg(feature = "hydrate")]
pub async fn run(ceremony: Ceremony, options: &str) -> Result<String, AppError> {
    use js_sys::{Function, Object, Promise, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    let (parse, call) = match ceremony {
        Ceremony::Create => ("parseCreationOptionsFromJSON", "create"),
        Ceremony::Get => ("parseRequestOptionsFromJSON", "get"),
    };
    let unavailable = |_| AppError(Refusal::PasskeysUnavailable);
    let window: JsValue = leptos::prelude::window().into();
    let api = Reflect::get(&window, &"PublicKeyCredential".into()).map_err(unavailable)?;
    let parse: Function = Reflect::get(&api, &parse.into())
        .map_err(unavailable)?
        .dyn_into()
        .map_err(unavailable)?;
    let options = JSON::parse(options).map_err(|_| AppError(Refusal::PasskeyRefused))?;
    let public_key = Reflect::get(&options, &"publicKey".into()).map_err(unavailable)?;
    let request = Object::new();
    let parsed = parse.call1(&api, &public_key).map_err(unavailable)?;
    Reflect::set(&request, &"publicKey".into(), &parsed).map_err(unavailable)?;
    let navigator: JsValue = leptos::prelude::window().navigator().into();
    let credentials = Reflect::get(&navigator, &"credentials".into()).map_err(unavailable)?;
    let call: Function = Reflect::get(&credentials, &call.into())
        .map_err(unavailable)?
        .dyn_into()
        .map_err(unavailable)?;
    let promise: Promise = call
        .call1(&credentials, &request)
        .map_err(unavailable)?
        .dyn_into()
        .map_err(unavailable)?;
    let credential = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|err| {
            let name = Reflect::get(&err, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            match name.as_deref() {
                // Refused by the browser's origin check: not at the public address.
                Some("SecurityError") => AppError(Refusal::PasskeysUnavailable),
                _ => AppError(Refusal::PasskeyRefused),
            }
        })?;
    JSON::stringify(&credential)
        .ok()
        .and_then(|json| json.as_string())
        .ok_or(AppError(Refusal::PasskeyRefused))
}

/// On the server nothing runs a ceremony: only the browser can.
#[cfg(not(feature = "hydrate"))]
pub async fn run(_ceremony: Ceremony, _options: &str) -> Result<String, AppError> {
    Err(AppError(Refusal::PasskeysUnavailable))
}
