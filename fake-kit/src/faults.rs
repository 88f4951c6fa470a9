//! Misbehaviour on demand, so tests can prove how a client copes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// An API error with this status and code.
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// Accept the request and never answer.
    Hang,
    /// Answer 200 with a body that is not JSON.
    NotJson,
    /// Send headers, then drop the connection mid-body.
    Drop,
    /// Carry the request out, then drop the connection before the answer:
    /// the caller cannot tell whether it happened.
    AnswerLost,
    /// Carry the request out, then answer after `ms` milliseconds: a caller
    /// that gives up first never learns what happened.
    AnswerLate { ms: u64 },
    /// Answer exactly this status and JSON body: a provider answering
    /// outside its own description (missing or unknown fields, hostile links).
    Json {
        status: u16,
        body: serde_json::Value,
    },
}

/// Applies to the next `count` requests matching `method` and `path` (both
/// optional; `path` matches as a prefix of the request path, e.g. `/v1/ssh_keys`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            count: 1,
            method: None,
            path: None,
        }
    }

    pub fn error(status: u16, code: &str) -> Self {
        Self::new(FaultKind::Error {
            status,
            code: code.into(),
            message: format!("injected {code}"),
        })
    }

    pub fn times(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    pub fn on(mut self, method: &str, path: &str) -> Self {
        self.method = Some(method.to_uppercase());
        self.path = Some(path.into());
        self
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| path.starts_with(p))
    }
}

/// Takes the first matching fault, spending one of its uses.
pub fn take(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultKind> {
    let index = faults.iter().position(|f| f.matches(method, path))?;
    let fault = &mut faults[index];
    fault.count -= 1;
    let kind = fault.kind.clone();
    if fault.count == 0 {
        faults.remove(index);
    }
    Some(kind)
}
