//! Faithfulness: checks the fake's answers against the response schemas of
//! Hetzner's OpenAPI description (`third_party/hetzner/hcloud-openapi.json`),
//! with the drift of the live API since that description recorded here.

use fake_kit::openapi::OpenApi;
use serde_json::{json, Value};
use std::sync::OnceLock;

use crate::Exchange;

pub const OPENAPI_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../third_party/hetzner/hcloud-openapi.json"
);

/// The live API's changes since the description (February 2026), by date.
fn record_drift(doc: &mut Value) {
    // 2026-07-01: `datacenter` left server objects.
    if let Some(Value::Array(required)) = doc.pointer_mut("/components/schemas/server/required") {
        required.retain(|r| r != "datacenter");
    }
    // 2026-04-01 ("datacenter deprecations"): each location of a server type
    // says whether the type can be ordered there and is recommended there.
    if let Some(Value::Object(location)) =
        doc.pointer_mut("/components/schemas/server_type_location")
    {
        add_location_availability(location);
    }
}

fn add_location_availability(location: &mut serde_json::Map<String, Value>) {
    let properties = location.entry("properties").or_insert_with(|| json!({}));
    if let Value::Object(properties) = properties {
        properties.insert("available".into(), json!({ "type": "boolean" }));
        properties.insert("recommended".into(), json!({ "type": "boolean" }));
    }
    let required = location.entry("required").or_insert_with(|| json!([]));
    if let Value::Array(required) = required {
        required.extend([json!("available"), json!("recommended")]);
    }
}

/// The OpenAPI path template for a request path: `/v1/servers/42` → `/servers/{id}`.
fn template(path: &str) -> Option<String> {
    path.strip_prefix("/v1")?;
    let segments = fake_kit::path::segments(path, "/v1");
    let templated: Vec<&str> = segments
        .iter()
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    Some(format!("/{}", templated.join("/")))
}

fn spec() -> &'static OpenApi {
    static SPEC: OnceLock<OpenApi> = OnceLock::new();
    SPEC.get_or_init(|| OpenApi::load(OPENAPI_PATH, record_drift, template))
}

/// Every way the exchanges differ from the description; empty when faithful.
pub fn violations(exchanges: &[Exchange]) -> Vec<String> {
    spec().violations(exchanges)
}
