//! Query parameters: filters, `label_selector`, `sort` and pagination.

use serde_json::{json, Value};
use std::collections::BTreeMap;

use crate::error::ApiError;

pub const DEFAULT_PER_PAGE: usize = 25;
pub const MAX_PER_PAGE: usize = 50;

pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    Absent(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

/// A parsed `label_selector`: every requirement must hold.
pub struct LabelSelector(Vec<Requirement>);

/// Splits at commas outside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0i32, 0usize, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn set_values(rest: &str) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(inner.split(',').map(|v| v.trim().to_string()).collect())
}

impl LabelSelector {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::invalid_input(&[("label_selector", "invalid label selector")]);
        let mut requirements = Vec::new();
        for part in split_top_level(raw).into_iter().map(str::trim) {
            let requirement = if let Some((k, v)) = part.split_once("!=") {
                Requirement::NotEquals(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                Requirement::Equals(k.trim().into(), v.trim().into())
            } else if let Some((k, rest)) = part.split_once(" notin ") {
                Requirement::NotIn(k.trim().into(), set_values(rest).ok_or_else(invalid)?)
            } else if let Some((k, rest)) = part.split_once(" in ") {
                Requirement::In(k.trim().into(), set_values(rest).ok_or_else(invalid)?)
            } else if let Some(k) = part.strip_prefix('!') {
                Requirement::Absent(k.trim().into())
            } else if !part.is_empty() && !part.contains([' ', '(', ')']) {
                Requirement::Exists(part.into())
            } else {
                return Err(invalid());
            };
            requirements.push(requirement);
        }
        Ok(Self(requirements))
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| match r {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::Absent(k) => !labels.contains_key(k),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
        })
    }
}

/// Sorts JSON objects by `sort=field[:asc|:desc]` (repeatable; id, name, created).
pub fn sort(items: &mut [Value], query: &Query) -> Result<(), ApiError> {
    for spec in query.all("sort").into_iter().rev() {
        let (field, order) = spec.split_once(':').unwrap_or((spec, "asc"));
        if !matches!(field, "id" | "name" | "created") || !matches!(order, "asc" | "desc") {
            return Err(ApiError::invalid_input(&[("sort", "invalid sort")]));
        }
        items.sort_by(|a, b| {
            let ordering = match field {
                "id" => a["id"].as_i64().cmp(&b["id"].as_i64()),
                _ => a[field].as_str().cmp(&b[field].as_str()),
            };
            if order == "desc" {
                ordering.reverse()
            } else {
                ordering
            }
        });
    }
    Ok(())
}

fn positive(query: &Query, key: &str, default: usize) -> Result<usize, ApiError> {
    match query.get(key) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                ApiError::invalid_input(&[(
                    if key == "page" { "page" } else { "per_page" },
                    "must be a positive integer",
                )])
            }),
    }
}

/// One page of `items`, its `meta.pagination`, and the `Link` header value.
pub fn paginate(
    items: Vec<Value>,
    query: &Query,
    path: &str,
) -> Result<(Vec<Value>, Value, String), ApiError> {
    let per_page = positive(query, "per_page", DEFAULT_PER_PAGE)?.min(MAX_PER_PAGE);
    let page = positive(query, "page", 1)?;
    let total = items.len();
    let last_page = total.div_ceil(per_page).max(1);
    let page_items: Vec<Value> = items
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();
    let next_page = (page < last_page).then_some(page + 1);
    let previous_page = (page > 1).then(|| (page - 1).min(last_page));
    let meta = json!({
        "pagination": {
            "page": page, "per_page": per_page, "previous_page": previous_page,
            "next_page": next_page, "last_page": last_page, "total_entries": total,
        }
    });
    let link_to = |p: usize| {
        let mut pairs: Vec<(String, String)> = query
            .0
            .iter()
            .filter(|(k, _)| k != "page" && k != "per_page")
            .cloned()
            .collect();
        pairs.push(("page".into(), p.to_string()));
        pairs.push(("per_page".into(), per_page.to_string()));
        let qs = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("<https://api.hetzner.cloud/v1{path}?{qs}>")
    };
    let mut links = Vec::new();
    if let Some(p) = previous_page {
        links.push(format!("{}; rel=\"prev\"", link_to(p)));
    }
    if let Some(p) = next_page {
        links.push(format!("{}; rel=\"next\"", link_to(p)));
    }
    links.push(format!("{}; rel=\"last\"", link_to(last_page)));
    Ok((page_items, meta, links.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn label_selectors_follow_hetzner_syntax() {
        let l = labels(&[("managed-by", "potions"), ("env", "prod")]);
        for (selector, expected) in [
            ("managed-by=potions", true),
            ("managed-by!=potions", false),
            ("env", true),
            ("!env", false),
            ("!team", true),
            ("env in (prod,staging)", true),
            ("env notin (prod,staging)", false),
            ("managed-by=potions,env in (dev, prod)", true),
            ("managed-by=potions,env=dev", false),
        ] {
            assert_eq!(
                LabelSelector::parse(selector).expect(selector).matches(&l),
                expected,
                "{selector}"
            );
        }
        assert!(LabelSelector::parse("env in prod").is_err());
    }

    #[test]
    fn pagination_caps_per_page_and_links_the_next_page() {
        let items: Vec<Value> = (0..120).map(|i| json!({ "id": i })).collect();
        let (page, meta, link) = paginate(
            items,
            &Query::parse(Some("per_page=100&page=2")),
            "/servers",
        )
        .expect("page");
        assert_eq!(page.len(), 50);
        assert_eq!(page[0]["id"], 50);
        assert_eq!(meta["pagination"]["next_page"], 3);
        assert_eq!(meta["pagination"]["last_page"], 3);
        assert!(link.contains("page=3&per_page=50>; rel=\"next\""), "{link}");
        assert!(paginate(vec![], &Query::parse(Some("page=0")), "/servers").is_err());
    }
}
