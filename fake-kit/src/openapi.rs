//! Faithfulness: checks a fake's recorded answers against the response
//! schemas of the provider's own OpenAPI 3.0 description.

use serde_json::{Map, Value};
use std::collections::HashMap;

use crate::Exchange;

/// A loaded description: its paths and its components.
pub struct OpenApi {
    paths: Map<String, Value>,
    components: Value,
    /// Turns a request path into the description's path template, or `None`
    /// for paths outside the described API.
    template: fn(&str) -> Option<String>,
}

impl OpenApi {
    /// Reads the description at `path` and applies `patch` first: the place
    /// where known, dated drift between the description and the live API is
    /// recorded, so it stays checked.
    pub fn load(
        path: &str,
        patch: impl FnOnce(&mut Value),
        template: fn(&str) -> Option<String>,
    ) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        let mut doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"));
        patch(&mut doc);
        convert_nullable(&mut doc);
        Self {
            paths: doc["paths"].as_object().cloned().unwrap_or_default(),
            components: doc["components"].clone(),
            template,
        }
    }

    /// The operation `method` on a path template, as the description has it.
    pub fn operation(&self, method: &str, template: &str) -> Option<&Value> {
        self.paths.get(template)?.get(method.to_lowercase())
    }

    /// Every path template with its operations, for checks over the whole description.
    pub fn paths(&self) -> &Map<String, Value> {
        &self.paths
    }

    fn response_schema(
        &self,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<Option<Value>, String> {
        let template = (self.template)(path)
            .ok_or_else(|| format!("{method} {path}: outside the described API"))?;
        let operation = self
            .operation(method, &template)
            .ok_or_else(|| format!("{method} {path}: no such operation in the description"))?;
        let responses = &operation["responses"];
        let class = format!("{}xx", status / 100);
        let response = [status.to_string(), class, "default".into()]
            .iter()
            .find_map(|key| responses.get(key))
            .ok_or_else(|| format!("{method} {path}: status {status} is not documented"))?;
        let response = self.resolve(response);
        Ok(response
            .pointer("/content/application~1json/schema")
            .cloned())
    }

    /// Follows a `$ref` to a component (responses are often references).
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        let target = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components"))
            .and_then(|pointer| self.components.pointer(pointer));
        match target {
            Some(found) => self.resolve(found),
            None => value,
        }
    }

    fn validator(
        &self,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<Option<jsonschema::Validator>, String> {
        let Some(mut root) = self.response_schema(method, path, status)? else {
            return Ok(None);
        };
        if let Value::Object(map) = &mut root {
            map.insert("components".into(), self.components.clone());
        }
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(false)
            .build(&root)
            .map(Some)
            .map_err(|e| format!("{method} {path}: schema does not compile: {e}"))
    }

    /// Every way the exchanges differ from the description; empty when
    /// faithful. Hangs, dropped connections and non-JSON bodies are injected
    /// on purpose and not checked; injected API errors are. Exchanges outside
    /// the described API (OAuth, admin) are skipped.
    pub fn violations(&self, exchanges: &[Exchange]) -> Vec<String> {
        let mut cache: HashMap<(String, String, u16), Option<jsonschema::Validator>> =
            HashMap::new();
        let mut found = Vec::new();
        for e in exchanges.iter().filter(|e| !e.malformed_on_purpose) {
            let Some(template) = (self.template)(&e.path) else {
                continue;
            };
            let key = (e.method.clone(), template, e.status);
            let validator = match cache.get(&key) {
                Some(v) => v,
                None => match self.validator(&e.method, &e.path, e.status) {
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
}

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
