//! Hetzner's answers in the provider-neutral terms of `model`: a server,
//! a server in full, the catalogue.

use crate::clock::parse_rfc3339;
use crate::connections::is_managed_by_potions;
use crate::providers::hetzner;
use crate::provisioning::{Catalogue, Currency, Image, Place, Price, Server, ServerDetails, Size};

pub(super) fn server_info(s: hetzner::Server) -> Server {
    Server {
        ipv4: s.ipv4().map(str::to_string),
        ipv6: s.ipv6_host(),
        managed_by_potions: is_managed_by_potions(&s.labels),
        delete_protected: s.protection.delete,
        created_at: parse_rfc3339(&s.created),
        id: model::ServerId::new(s.id),
        name: s.name,
        status: s.status,
        size: s.server_type.name,
        location: s.location.name,
    }
}

pub(super) fn server_details(s: hetzner::Server) -> ServerDetails {
    let net = &s.public_net;
    let ipv4_ptr = net
        .ipv4
        .as_ref()
        .and_then(|v4| Some((v4.ip.clone(), v4.dns_ptr.clone()?)));
    let ipv6_ptrs = net
        .ipv6
        .iter()
        .flat_map(|v6| v6.dns_ptr.iter().map(|p| (p.ip.clone(), p.dns_ptr.clone())));
    let image = s
        .image
        .as_ref()
        .and_then(|image| image.description.clone().or_else(|| image.name.clone()));
    let mut labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    labels.sort();
    ServerDetails {
        image,
        labels,
        rebuild_protected: Some(s.protection.rebuild),
        backups: s.backup_window.is_some(),
        reverse_dns: ipv4_ptr.into_iter().chain(ipv6_ptrs).collect(),
        disk_gb: s.primary_disk_size,
        rescue: Some(s.rescue_enabled),
        monthly_price: None,
        currency: Currency::EurWithVat,
        server: server_info(s),
    }
}

/// What the create form offers: types orderable somewhere, images not deprecated.
pub(super) fn catalogue(
    locations: Vec<hetzner::Location>,
    types: Vec<hetzner::ServerType>,
    images: Vec<hetzner::Image>,
    snapshot_price_per_gb: Option<f64>,
) -> Catalogue {
    let size = |t: hetzner::ServerType| Size {
        prices: t
            .locations
            .iter()
            .filter(|l| t.available_in(&l.name))
            .filter_map(|l| {
                Some(Price {
                    location: l.name.clone(),
                    monthly: t.monthly_gross(&l.name)?.parse().ok()?,
                    recommended: t.recommended_in(&l.name),
                })
            })
            .collect(),
        name: t.name,
        description: t.description,
        cores: t.cores,
        memory_gb: t.memory,
        disk_gb: t.disk,
        architecture: t.architecture,
        cpu_type: t.cpu_type,
    };
    Catalogue {
        currency: Currency::EurWithVat,
        snapshot_price_per_gb,
        locations: locations
            .into_iter()
            .map(|l| Place {
                description: format!("{} ({}, {})", l.name, l.city, l.country),
                name: l.name,
            })
            .collect(),
        sizes: types
            .into_iter()
            .filter(|t| t.deprecation.is_none())
            .map(size)
            .collect(),
        images: images
            .into_iter()
            .filter(|i| i.deprecated.is_none())
            .map(|i| Image {
                id: i.id,
                description: i.description,
                architecture: i.architecture,
                locations: None,
            })
            .collect(),
    }
}
