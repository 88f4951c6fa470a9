//! What the fake sells: locations, server types with per-location prices,
//! and system images, shaped like Hetzner's catalogue.

use serde_json::{json, Value};

#[derive(Debug)]
pub struct Location {
    pub id: i64,
    pub name: &'static str,
    pub description: &'static str,
    pub country: &'static str,
    pub city: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub network_zone: &'static str,
    /// Price multiplier against the EU price.
    pub price_factor: f64,
}

pub const LOCATIONS: &[Location] = &[
    Location {
        id: 1,
        name: "fsn1",
        description: "Falkenstein DC Park 1",
        country: "DE",
        city: "Falkenstein",
        latitude: 50.47612,
        longitude: 12.370071,
        network_zone: "eu-central",
        price_factor: 1.0,
    },
    Location {
        id: 2,
        name: "nbg1",
        description: "Nuremberg DC Park 1",
        country: "DE",
        city: "Nuremberg",
        latitude: 49.452102,
        longitude: 11.076665,
        network_zone: "eu-central",
        price_factor: 1.0,
    },
    Location {
        id: 3,
        name: "hel1",
        description: "Helsinki DC Park 1",
        country: "FI",
        city: "Helsinki",
        latitude: 60.169855,
        longitude: 24.938379,
        network_zone: "eu-central",
        price_factor: 1.0,
    },
    Location {
        id: 4,
        name: "ash",
        description: "Ashburn, VA",
        country: "US",
        city: "Ashburn, VA",
        latitude: 39.045821,
        longitude: -77.487073,
        network_zone: "us-east",
        price_factor: 1.2,
    },
    Location {
        id: 5,
        name: "hil",
        description: "Hillsboro, OR",
        country: "US",
        city: "Hillsboro, OR",
        latitude: 45.542095,
        longitude: -122.949825,
        network_zone: "us-west",
        price_factor: 1.2,
    },
    Location {
        id: 6,
        name: "sin",
        description: "Singapore",
        country: "SG",
        city: "Singapore",
        latitude: 1.283333,
        longitude: 103.833333,
        network_zone: "ap-southeast",
        price_factor: 1.35,
    },
];

#[derive(Debug)]
pub struct ServerType {
    pub id: i64,
    pub name: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub cores: i64,
    pub memory: f64,
    pub disk: i64,
    pub cpu_type: &'static str,
    pub architecture: &'static str,
    /// Monthly net price in EUR in the EU locations.
    pub monthly_net: f64,
    pub locations: &'static [&'static str],
    pub deprecated: bool,
    /// Sold here but out of stock: listed with `available: false` (since 2026-04-01).
    pub sold_out_in: &'static [&'static str],
    /// Where Hetzner recommends ordering this type (`recommended: true`).
    pub recommended_in: &'static [&'static str],
}

const EVERYWHERE: &[&str] = &["fsn1", "nbg1", "hel1", "ash", "hil", "sin"];
const EU: &[&str] = &["fsn1", "nbg1", "hel1"];

pub const SERVER_TYPES: &[ServerType] = &[
    ServerType {
        id: 1,
        name: "cx11",
        description: "CX11",
        category: "Shared vCPU",
        cores: 1,
        memory: 2.0,
        disk: 20,
        cpu_type: "shared",
        architecture: "x86",
        monthly_net: 3.29,
        locations: &["fsn1", "nbg1"],
        sold_out_in: &[],
        recommended_in: &[],
        deprecated: true,
    },
    ServerType {
        id: 22,
        name: "cx22",
        description: "CX22",
        category: "Shared vCPU",
        cores: 2,
        memory: 4.0,
        disk: 40,
        cpu_type: "shared",
        architecture: "x86",
        monthly_net: 3.79,
        locations: EU,
        sold_out_in: &["hel1"],
        recommended_in: &["fsn1", "nbg1"],
        deprecated: false,
    },
    ServerType {
        id: 104,
        name: "cpx11",
        description: "CPX11",
        category: "Shared vCPU",
        cores: 2,
        memory: 2.0,
        disk: 40,
        cpu_type: "shared",
        architecture: "x86",
        monthly_net: 4.35,
        locations: EVERYWHERE,
        sold_out_in: &["sin"],
        recommended_in: &["ash", "hil"],
        deprecated: false,
    },
    ServerType {
        id: 45,
        name: "cax11",
        description: "CAX11",
        category: "Shared vCPU",
        cores: 2,
        memory: 4.0,
        disk: 40,
        cpu_type: "shared",
        architecture: "arm",
        monthly_net: 3.79,
        locations: EU,
        sold_out_in: &[],
        recommended_in: &["fsn1", "nbg1", "hel1"],
        deprecated: false,
    },
    ServerType {
        id: 46,
        name: "cax21",
        description: "CAX21",
        category: "Shared vCPU",
        cores: 4,
        memory: 8.0,
        disk: 80,
        cpu_type: "shared",
        architecture: "arm",
        monthly_net: 6.49,
        locations: &["fsn1", "hel1"],
        sold_out_in: &[],
        recommended_in: &[],
        deprecated: false,
    },
    ServerType {
        id: 96,
        name: "ccx13",
        description: "CCX13",
        category: "Dedicated vCPU",
        cores: 2,
        memory: 8.0,
        disk: 80,
        cpu_type: "dedicated",
        architecture: "x86",
        monthly_net: 12.49,
        locations: EVERYWHERE,
        sold_out_in: &["nbg1"],
        recommended_in: &["fsn1"],
        deprecated: false,
    },
];

#[derive(Debug)]
pub struct Image {
    pub id: i64,
    pub name: &'static str,
    pub description: &'static str,
    pub os_flavor: &'static str,
    pub os_version: &'static str,
    pub architecture: &'static str,
}

pub const IMAGES: &[Image] = &[
    Image {
        id: 161547269,
        name: "ubuntu-24.04",
        description: "Ubuntu 24.04",
        os_flavor: "ubuntu",
        os_version: "24.04",
        architecture: "x86",
    },
    Image {
        id: 161547270,
        name: "ubuntu-24.04",
        description: "Ubuntu 24.04",
        os_flavor: "ubuntu",
        os_version: "24.04",
        architecture: "arm",
    },
    Image {
        id: 114690387,
        name: "debian-12",
        description: "Debian 12",
        os_flavor: "debian",
        os_version: "12",
        architecture: "x86",
    },
    Image {
        id: 114690389,
        name: "debian-12",
        description: "Debian 12",
        os_flavor: "debian",
        os_version: "12",
        architecture: "arm",
    },
    Image {
        id: 201893432,
        name: "fedora-41",
        description: "Fedora 41",
        os_flavor: "fedora",
        os_version: "41",
        architecture: "x86",
    },
    Image {
        id: 76766499,
        name: "rocky-9",
        description: "Rocky Linux 9",
        os_flavor: "rocky",
        os_version: "9",
        architecture: "x86",
    },
];

const VAT: f64 = 1.19;
const HOURS_PER_MONTH: f64 = 730.0;
const CATALOGUE_CREATED: &str = "2024-01-01T00:00:00Z";

fn money(value: f64) -> String {
    format!("{value:.10}")
}

impl ServerType {
    /// Listed, not deprecated and in stock in `location`.
    pub fn orderable_in(&self, location: &str) -> bool {
        !self.deprecated
            && self.locations.contains(&location)
            && !self.sold_out_in.contains(&location)
    }
}

pub fn location(name: &str) -> Option<&'static Location> {
    LOCATIONS.iter().find(|l| l.name == name)
}

pub fn server_type(name_or_id: &str) -> Option<&'static ServerType> {
    SERVER_TYPES
        .iter()
        .find(|t| t.name == name_or_id || t.id.to_string() == name_or_id)
}

/// An image by id, or by name for the given architecture.
pub fn image(name_or_id: &str, architecture: &str) -> Option<&'static Image> {
    IMAGES
        .iter()
        .find(|i| i.id.to_string() == name_or_id)
        .or_else(|| {
            IMAGES
                .iter()
                .find(|i| i.name == name_or_id && i.architecture == architecture)
        })
}

pub fn location_json(l: &Location) -> Value {
    json!({
        "id": l.id, "name": l.name, "description": l.description, "country": l.country,
        "city": l.city, "latitude": l.latitude, "longitude": l.longitude, "network_zone": l.network_zone,
    })
}

fn deprecation_json() -> Value {
    json!({ "announced": "2024-06-06T00:00:00Z", "unavailable_after": "2024-09-06T00:00:00Z" })
}

fn price_json(t: &ServerType, l: &Location) -> Value {
    let monthly = t.monthly_net * l.price_factor;
    let hourly = monthly / HOURS_PER_MONTH;
    json!({
        "location": l.name,
        "price_hourly": { "net": money(hourly), "gross": money(hourly * VAT) },
        "price_monthly": { "net": money(monthly), "gross": money(monthly * VAT) },
        "included_traffic": if l.network_zone == "eu-central" { 21_990_232_555_520_i64 } else { 1_099_511_627_776 },
        "price_per_tb_traffic": { "net": money(1.0), "gross": money(VAT) },
    })
}

fn sold_in(t: &ServerType) -> impl Iterator<Item = &'static Location> + '_ {
    t.locations.iter().filter_map(|name| location(name))
}

pub fn server_type_json(t: &ServerType) -> Value {
    let deprecation = if t.deprecated {
        deprecation_json()
    } else {
        Value::Null
    };
    json!({
        "id": t.id, "name": t.name, "description": t.description, "category": t.category,
        "cores": t.cores, "memory": t.memory, "disk": t.disk, "cpu_type": t.cpu_type,
        "architecture": t.architecture, "storage_type": "local",
        "deprecated": t.deprecated, "deprecation": deprecation,
        "locations": sold_in(t)
            .map(|l| {
                let available = t.orderable_in(l.name);
                json!({
                    "id": l.id, "name": l.name, "deprecation": deprecation,
                    "available": available, "recommended": available && t.recommended_in.contains(&l.name),
                })
            })
            .collect::<Vec<_>>(),
        "prices": sold_in(t).map(|l| price_json(t, l)).collect::<Vec<_>>(),
    })
}

pub fn image_json(i: &Image) -> Value {
    json!({
        "id": i.id, "type": "system", "status": "available", "name": i.name,
        "description": i.description, "image_size": null, "disk_size": 5,
        "created": CATALOGUE_CREATED, "created_from": null, "bound_to": null,
        "os_flavor": i.os_flavor, "os_version": i.os_version, "rapid_deploy": true,
        "protection": { "delete": false }, "deprecated": null, "deleted": null,
        "labels": {}, "architecture": i.architecture,
    })
}

pub fn pricing_json() -> Value {
    json!({
        "pricing": {
            "currency": "EUR",
            "vat_rate": money((VAT - 1.0) * 100.0),
            "primary_ips": [],
            "floating_ips": [],
            "floating_ip": { "price_monthly": { "net": money(3.0), "gross": money(3.0 * VAT) } },
            "image": { "price_per_gb_month": { "net": money(0.0119), "gross": money(0.0119 * VAT) } },
            "volume": { "price_per_gb_month": { "net": money(0.044), "gross": money(0.044 * VAT) } },
            "server_backup": { "percentage": money(20.0) },
            "server_types": SERVER_TYPES.iter().map(|t| json!({
                "id": t.id, "name": t.name,
                "prices": sold_in(t).map(|l| price_json(t, l)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "load_balancer_types": [],
        }
    })
}
