//! A droplet made from one of the team's snapshots: the droplet it was
//! taken of ran an image, in a region, on a disk of a size; the new one must
//! be in that region on a disk at least as large.

use serde_json::Value;

use super::World;
use crate::error::ApiError;

impl World {
    /// The image slug a droplet made from the snapshot `image` names runs,
    /// if it names one of `team`'s finished snapshots usable in `region`
    /// on a disk of `disk_gb`.
    pub(super) fn snapshot_source(
        &mut self,
        team: &str,
        image: Option<&Value>,
        region: &str,
        disk_gb: i64,
    ) -> Result<Option<&'static str>, ApiError> {
        // An id may come as a number or as its digits.
        let wanted = match image {
            Some(Value::Number(id)) => id.as_i64(),
            Some(Value::String(id)) => id.parse::<i64>().ok(),
            _ => None,
        };
        let Some(wanted) = wanted else {
            return Ok(None);
        };
        let now_ms = self.clock.now_ms();
        let source = self.team_or_404(team)?.snapshot_sources().find_map(|d| {
            d.snapshots
                .iter()
                .any(|(id, _, _, ready_ms)| *id == wanted && now_ms >= *ready_ms)
                .then_some((d.image, d.region, d.disk_gb))
        });
        let Some((slug, snapshot_region, min_disk)) = source else {
            return Ok(None);
        };
        if snapshot_region != region {
            return Err(ApiError::unprocessable(
                "Image is not available in this region.",
            ));
        }
        if disk_gb < min_disk {
            return Err(ApiError::unprocessable(
                "The size's disk is smaller than the image's minimum disk size.",
            ));
        }
        Ok(Some(slug))
    }
}
