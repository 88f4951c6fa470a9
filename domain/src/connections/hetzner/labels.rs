//! The labels Potions puts on what it creates in a Hetzner project, so it
//! can tell its own servers and keys from the rest.

use crate::providers::hetzner::Labels;

/// The label Potions puts on everything it creates in a project.
pub const MANAGED_BY: (&str, &str) = ("managed-by", "potions");

/// The labels of everything Potions creates.
pub fn managed_labels() -> Labels {
    Labels::from([(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string())])
}

/// Whether Potions made the thing these labels are on.
pub fn is_managed_by_potions(labels: &Labels) -> bool {
    labels.get(MANAGED_BY.0).map(String::as_str) == Some(MANAGED_BY.1)
}
