//! What the fake sells: regions (some unavailable), sizes with per-region
//! availability and prices, and distribution images per region.

use serde_json::{json, Value};

pub struct Region {
    pub slug: &'static str,
    pub name: &'static str,
    pub available: bool,
}

pub const REGIONS: &[Region] = &[
    Region {
        slug: "nyc1",
        name: "New York 1",
        available: true,
    },
    Region {
        slug: "nyc2",
        name: "New York 2",
        available: false,
    },
    Region {
        slug: "nyc3",
        name: "New York 3",
        available: true,
    },
    Region {
        slug: "sfo3",
        name: "San Francisco 3",
        available: true,
    },
    Region {
        slug: "ams2",
        name: "Amsterdam 2",
        available: false,
    },
    Region {
        slug: "ams3",
        name: "Amsterdam 3",
        available: true,
    },
    Region {
        slug: "fra1",
        name: "Frankfurt 1",
        available: true,
    },
    Region {
        slug: "lon1",
        name: "London 1",
        available: true,
    },
    Region {
        slug: "sgp1",
        name: "Singapore 1",
        available: true,
    },
    Region {
        slug: "syd1",
        name: "Sydney 1",
        available: true,
    },
];

const FEATURES: &[&str] = &[
    "backups",
    "ipv6",
    "metadata",
    "install_agent",
    "storage",
    "image_transfer",
];

pub struct Size {
    pub slug: &'static str,
    pub description: &'static str,
    pub vcpus: i64,
    pub memory_mb: i64,
    pub disk_gb: i64,
    pub transfer_tb: f64,
    pub price_monthly: f64,
    pub price_hourly: f64,
    pub available: bool,
    /// Regions selling this size; `None` for every available region.
    pub regions: Option<&'static [&'static str]>,
}

pub const SIZES: &[Size] = &[
    Size {
        slug: "s-1vcpu-512mb-10gb",
        description: "Basic",
        vcpus: 1,
        memory_mb: 512,
        disk_gb: 10,
        transfer_tb: 0.5,
        price_monthly: 4.0,
        price_hourly: 0.00595,
        available: true,
        regions: Some(&["nyc1", "sfo3", "fra1", "sgp1"]),
    },
    Size {
        slug: "s-1vcpu-1gb",
        description: "Basic",
        vcpus: 1,
        memory_mb: 1024,
        disk_gb: 25,
        transfer_tb: 1.0,
        price_monthly: 6.0,
        price_hourly: 0.00893,
        available: true,
        regions: None,
    },
    Size {
        slug: "s-2vcpu-2gb",
        description: "Basic",
        vcpus: 2,
        memory_mb: 2048,
        disk_gb: 60,
        transfer_tb: 3.0,
        price_monthly: 18.0,
        price_hourly: 0.02679,
        available: true,
        regions: None,
    },
    Size {
        slug: "s-2vcpu-4gb",
        description: "Basic",
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        transfer_tb: 4.0,
        price_monthly: 24.0,
        price_hourly: 0.03571,
        available: true,
        regions: Some(&["nyc1", "nyc3", "sfo3", "ams3", "fra1", "lon1"]),
    },
    Size {
        slug: "c-2",
        description: "CPU-Optimized",
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 25,
        transfer_tb: 4.0,
        price_monthly: 42.0,
        price_hourly: 0.0625,
        available: true,
        regions: Some(&["nyc3", "fra1"]),
    },
    Size {
        slug: "m-2vcpu-16gb",
        description: "Memory-Optimized",
        vcpus: 2,
        memory_mb: 16384,
        disk_gb: 50,
        transfer_tb: 4.0,
        price_monthly: 84.0,
        price_hourly: 0.125,
        available: false,
        regions: Some(&[]),
    },
];

pub struct Image {
    pub id: i64,
    pub slug: &'static str,
    pub name: &'static str,
    pub distribution: &'static str,
    /// Regions offering it; `None` for every available region.
    pub regions: Option<&'static [&'static str]>,
}

pub const IMAGES: &[Image] = &[
    Image {
        id: 160_000_001,
        slug: "ubuntu-24-04-x64",
        name: "24.04 (LTS) x64",
        distribution: "Ubuntu",
        regions: None,
    },
    Image {
        id: 160_000_002,
        slug: "ubuntu-22-04-x64",
        name: "22.04 (LTS) x64",
        distribution: "Ubuntu",
        regions: None,
    },
    Image {
        id: 160_000_003,
        slug: "debian-12-x64",
        name: "12 x64",
        distribution: "Debian",
        regions: None,
    },
    Image {
        id: 160_000_004,
        slug: "fedora-41-x64",
        name: "41 x64",
        distribution: "Fedora",
        regions: Some(&["nyc3", "ams3", "fra1"]),
    },
    Image {
        id: 160_000_005,
        slug: "rockylinux-9-x64",
        name: "9 x64",
        distribution: "Rocky Linux",
        regions: Some(&["nyc1", "nyc3", "sfo3", "fra1", "lon1"]),
    },
];

const CATALOGUE_CREATED: &str = "2026-01-05T10:00:00Z";

pub fn region(slug: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.slug == slug)
}

pub fn size(slug: &str) -> Option<&'static Size> {
    SIZES.iter().find(|s| s.slug == slug)
}

/// A distribution image by slug or id.
pub fn image(slug_or_id: &str) -> Option<&'static Image> {
    IMAGES
        .iter()
        .find(|i| i.slug == slug_or_id || i.id.to_string() == slug_or_id)
}

fn available_regions() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().filter(|r| r.available).map(|r| r.slug)
}

impl Size {
    pub fn sold_in(&self, region: &str) -> bool {
        self.available && self.region_slugs().contains(&region)
    }

    fn region_slugs(&self) -> Vec<&'static str> {
        match self.regions {
            Some(list) => list.to_vec(),
            None => available_regions().collect(),
        }
    }
}

impl Image {
    pub fn offered_in(&self, region: &str) -> bool {
        self.region_slugs().contains(&region)
    }

    fn region_slugs(&self) -> Vec<&'static str> {
        match self.regions {
            Some(list) => list.to_vec(),
            None => available_regions().collect(),
        }
    }
}

pub fn region_json(r: &Region) -> Value {
    let sizes: Vec<&str> = if r.available {
        SIZES
            .iter()
            .filter(|s| s.sold_in(r.slug))
            .map(|s| s.slug)
            .collect()
    } else {
        Vec::new()
    };
    json!({ "slug": r.slug, "name": r.name, "features": FEATURES, "available": r.available, "sizes": sizes })
}

pub fn size_json(s: &Size) -> Value {
    json!({
        "slug": s.slug, "memory": s.memory_mb, "vcpus": s.vcpus, "disk": s.disk_gb,
        "transfer": s.transfer_tb, "price_monthly": s.price_monthly, "price_hourly": s.price_hourly,
        "regions": s.region_slugs(), "available": s.available, "description": s.description,
    })
}

pub fn image_json(i: &Image) -> Value {
    json!({
        "id": i.id, "name": i.name, "type": "base", "distribution": i.distribution, "slug": i.slug,
        "public": true, "regions": i.region_slugs(), "created_at": CATALOGUE_CREATED,
        "min_disk_size": 7, "size_gigabytes": 2.36, "description": format!("{} {}", i.distribution, i.name),
        "tags": [], "status": "available", "error_message": "",
    })
}
