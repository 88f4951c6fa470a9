//! DigitalOcean's answers in the provider-neutral terms of `model`: a server,
//! a server in full, the catalogue.

use crate::clock::parse_rfc3339;
use crate::providers::digitalocean;
use crate::provisioning::{Catalogue, Currency, Image, Place, Price, Server, ServerDetails, Size};

pub(super) fn server_details(d: digitalocean::Droplet) -> ServerDetails {
    let image = d.image.as_ref().map(|image| {
        if image.distribution.is_empty() || image.name.starts_with(&image.distribution) {
            image.name.clone()
        } else {
            format!("{} {}", image.distribution, image.name)
        }
    });
    let mut labels = d.tags.clone();
    labels.sort();
    ServerDetails {
        image,
        labels,
        rebuild_protected: None,
        backups: d.features.iter().any(|f| f == "backups"),
        reverse_dns: Vec::new(),
        disk_gb: d.disk as f64,
        rescue: None,
        monthly_price: None,
        currency: Currency::Usd,
        server: server_info(d),
    }
}

pub(super) fn server_info(d: digitalocean::Droplet) -> Server {
    Server {
        ipv4: d.public_ipv4().map(str::to_string),
        ipv6: d.public_ipv6().map(str::to_string),
        managed_by_potions: d.is_managed_by_potions(),
        delete_protected: false,
        created_at: parse_rfc3339(&d.created_at),
        id: model::ServerId::new(d.id),
        status: d.status.as_str().to_string(),
        name: d.name,
        size: d.size_slug,
        location: d.region.slug,
    }
}

/// DigitalOcean's published snapshot price, per GB a month: its API has none.
const SNAPSHOT_PRICE_PER_GB: f64 = 0.06;

/// Available regions; sizes with the regions that sell them; distribution
/// images with the regions that offer them. DigitalOcean has no architectures.
pub(super) fn catalogue(
    regions: Vec<digitalocean::Region>,
    sizes: Vec<digitalocean::Size>,
    images: Vec<digitalocean::Image>,
) -> Catalogue {
    let regions: Vec<_> = regions.into_iter().filter(|r| r.available).collect();
    let sells = |region: &digitalocean::Region, size: &digitalocean::Size| {
        size.sold_in(&region.slug) && (region.sizes.is_empty() || region.sizes.contains(&size.slug))
    };
    let size = |s: &digitalocean::Size| Size {
        prices: regions
            .iter()
            .filter(|r| sells(r, s))
            .map(|r| Price {
                location: r.slug.clone(),
                monthly: s.price_monthly,
                recommended: false,
            })
            .collect(),
        name: s.slug.clone(),
        description: if s.description.is_empty() {
            s.slug.clone()
        } else {
            format!("{} ({})", s.description, s.slug)
        },
        cores: s.vcpus,
        // Megabytes.
        memory_gb: s.memory as f64 / 1024.0,
        disk_gb: s.disk as f64,
        architecture: String::new(),
        cpu_type: String::new(),
    };
    Catalogue {
        currency: Currency::Usd,
        snapshot_price_per_gb: Some(SNAPSHOT_PRICE_PER_GB),
        sizes: sizes.iter().filter(|s| s.available).map(size).collect(),
        images: images
            .into_iter()
            .filter(|i| i.status.is_empty() || i.status == "available")
            .map(|i| Image {
                id: i.id,
                description: format!("{} {}", i.distribution, i.name).trim().to_string(),
                architecture: String::new(),
                locations: Some(i.regions),
            })
            .collect(),
        locations: regions
            .into_iter()
            .map(|r| Place {
                description: format!("{} ({})", r.slug, r.name),
                name: r.slug,
            })
            .collect(),
    }
}
