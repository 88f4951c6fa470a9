//! Faithfulness: checks the fake's answers against the response schemas of
//! Hetzner's OpenAPI description (`shared/hetzner/hcloud-openapi.json`).

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Exchange;

pub const OPENAPI_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/hetzner/hcloud-openapi.json"
);

/// OpenAPI 3.0 marks nulls with `nullable: true`; JSON Schema wants a null type.
fn convert_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                convert_nullable(child);
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert(
                        "type".into(),
                        Value::Array(vec![Value::String(t), "null".into()]),
                    );
                    if let Some(Value::Array(options)) = map.get_mut("enum") {
                        options.push(Value::Null);
                    }
                } else {
                    let inner = Value::Object(std::mem::take(map));
                    map.insert(
                        "anyOf".into(),
                        Value::Array(vec![inner, serde_json::json!({ "type": "null" })]),
                    );
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(convert_nullable),
        _ => {}
    }
}

struct Spec {
    paths: Map<String, Value>,
    components: Value,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(OPENAPI_PATH)
            .unwrap_or_else(|e| panic!("read {OPENAPI_PATH}: {e}"));
        let mut doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {OPENAPI_PATH}: {e}"));
        // Hetzner removed `datacenter` from servers on 2026-07-01; the description predates that.
        if let Some(Value::Array(required)) = doc.pointer_mut("/components/schemas/server/required")
        {
            required.retain(|r| r != "datacenter");
        }
        convert_nullable(&mut doc);
        Spec {
            paths: doc["paths"].as_object().cloned().unwrap_or_default(),
            components: doc["components"].clone(),
        }
    })
}

/// The OpenAPI path template for a request path: `/v1/servers/42` → `/servers/{id}`.
fn template(path: &str) -> String {
    path.trim_start_matches("/v1")
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn response_schema(method: &str, path: &str, status: u16) -> Result<Option<Value>, String> {
    let operation = spec()
        .paths
        .get(&template(path))
        .and_then(|p| p.get(method.to_lowercase()))
        .ok_or_else(|| format!("{method} {path}: no such operation in the description"))?;
    let responses = &operation["responses"];
    let class = format!("{}xx", status / 100);
    let response = [status.to_string(), class, "default".into()]
        .iter()
        .find_map(|key| responses.get(key))
        .ok_or_else(|| format!("{method} {path}: status {status} is not documented"))?;
    Ok(response
        .pointer("/content/application~1json/schema")
        .cloned())
}

fn validator(
    method: &str,
    path: &str,
    status: u16,
) -> Result<Option<jsonschema::Validator>, String> {
    let Some(mut root) = response_schema(method, path, status)? else {
        return Ok(None);
    };
    if let Value::Object(map) = &mut root {
        map.insert("components".into(), spec().components.clone());
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(false)
        .build(&root)
        .map(Some)
        .map_err(|e| format!("{method} {path}: schema does not compile: {e}"))
}

/// Every way the exchanges differ from the description; empty when faithful.
/// Hangs, dropped connections and non-JSON bodies are injected on purpose
/// and not checked; injected API errors are.
pub fn violations(exchanges: &[Exchange]) -> Vec<String> {
    let mut cache: HashMap<(String, String, u16), Option<jsonschema::Validator>> = HashMap::new();
    let mut found = Vec::new();
    for e in exchanges
        .iter()
        .filter(|e| !e.malformed_on_purpose && e.path.starts_with("/v1/"))
    {
        let key = (e.method.clone(), template(&e.path), e.status);
        let validator = match cache.get(&key) {
            Some(v) => v,
            None => match validator(&e.method, &e.path, e.status) {
                Ok(v) => cache.entry(key).or_insert(v),
                Err(err) => {
                    found.push(err);
                    continue;
                }
            },
        };
        match (validator, &e.body) {
            (Some(v), Some(body)) => {
                for error in v.iter_errors(body) {
                    found.push(format!(
                        "{} {} ({}): {} at {}",
                        e.method, e.path, e.status, error, error.instance_path
                    ));
                }
            }
            (Some(_), None) => found.push(format!(
                "{} {} ({}): body missing",
                e.method, e.path, e.status
            )),
            (None, Some(_)) => found.push(format!(
                "{} {} ({}): documented without a body",
                e.method, e.path, e.status
            )),
            _ => {}
        }
    }
    found
}
