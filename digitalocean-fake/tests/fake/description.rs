//! The fake's own tables held against DigitalOcean's OpenAPI description.

use digitalocean_fake::schema::spec;
use digitalocean_fake::scopes::{KNOWN_SCOPES, ROUTES};
use serde_json::Value;
use std::collections::BTreeSet;

fn security_scopes(operation: &Value) -> Vec<String> {
    operation["security"][0]["bearer_auth"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_route_needs_exactly_the_scopes_the_description_names() {
    for route in ROUTES {
        let operation = spec()
            .operation(route.method, route.template)
            .unwrap_or_else(|| {
                panic!(
                    "{} {} is not in the description",
                    route.method, route.template
                )
            });
        assert_eq!(
            security_scopes(operation),
            route.scopes,
            "{} {}",
            route.method,
            route.template
        );
    }
}

#[test]
fn every_known_scope_exists_in_the_description() {
    let described: BTreeSet<String> = spec()
        .paths()
        .values()
        .filter_map(Value::as_object)
        .flat_map(|ops| ops.values().flat_map(security_scopes))
        .collect();
    for scope in KNOWN_SCOPES.iter().filter(|s| s.contains(':')) {
        assert!(
            described.contains(*scope),
            "{scope} is not a DigitalOcean scope"
        );
    }
}

#[test]
fn the_demo_seed_file_is_valid() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo-seed.json")).unwrap();
    let seed: digitalocean_fake::seed::Seed = serde_json::from_str(&text).unwrap();
    let mut world = digitalocean_fake::world::World::new(digitalocean_fake::FakeConfig::default());
    seed.apply(&mut world).unwrap();
    assert_eq!(
        world.users[0].teams.len(),
        2,
        "two teams to choose from on the consent page"
    );
    assert_eq!(world.apps.len(), 1);
}
