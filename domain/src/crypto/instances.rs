//! Serving instances hold a lease in the database naming the master keys they
//! hold. A starting instance and `rotate-key` check those leases under one
//! lock, so no instance ever seals a secret another running one cannot open,
//! and no rotation moves secrets to a key a running instance lacks.

use std::sync::Arc;
use std::time::Duration;

use sqlx::{Any, Transaction};

use crate::clock::now_unix;
use crate::crypto::stored_keys::check_keyring;
use crate::crypto::{CryptoError, Keyring, LeaseClock};
use crate::db::{new_id, Backend, Database};
use crate::error::DomainError;

/// A lease not renewed for this long belongs to an instance that is gone.
pub const LEASE_SECS: i64 = 30;
/// How often a serving instance renews its lease.
pub const RENEW_EVERY: Duration = Duration::from_secs(10);

/// A running instance as its lease describes it.
pub(crate) struct LiveInstance {
    pub sealing_key_id: String,
    key_ids: String,
}

impl LiveInstance {
    pub fn holds(&self, key_id: &str) -> bool {
        self.key_ids.split(' ').any(|id| id == key_id)
    }
}

/// Begins a transaction that excludes every other key change (instance start,
/// lease renewal, rotation) until it ends, with expired leases dropped.
pub(crate) async fn begin_key_change(db: &Database) -> Result<Transaction<'_, Any>, DomainError> {
    let mut tx = db.pool().begin().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("LOCK TABLE instance_leases IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    // On SQLite this first write takes the database's one write lock.
    sqlx::query("DELETE FROM instance_leases WHERE expires_at < $1")
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

pub(crate) async fn live_instances(
    tx: &mut Transaction<'_, Any>,
) -> Result<Vec<LiveInstance>, DomainError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT sealing_key_id, key_ids FROM instance_leases")
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(sealing_key_id, key_ids)| LiveInstance {
            sealing_key_id,
            key_ids,
        })
        .collect())
}

/// This instance's lease. Dropping it without [`Self::release`] leaves the
/// lease to expire after [`LEASE_SECS`].
#[derive(Debug)]
pub struct InstanceLease {
    db: Database,
    id: String,
    sealing_key_id: String,
    key_ids: String,
    clock: Arc<LeaseClock>,
}

impl InstanceLease {
    /// Registers this instance. Refused when the keyring cannot open every
    /// stored secret, lacks the key a running instance seals with, or seals
    /// with a key a running instance lacks.
    pub async fn acquire(db: &Database, keyring: &Keyring) -> Result<Self, DomainError> {
        let lease = Self {
            db: db.clone(),
            id: new_id(),
            sealing_key_id: keyring.current().id().to_string(),
            key_ids: keyring
                .keys()
                .iter()
                .map(|k| k.id())
                .collect::<Vec<_>>()
                .join(" "),
            clock: Arc::new(LeaseClock::confirmed_now()),
        };
        lease.register(keyring).await?;
        Ok(lease)
    }

    /// When the lease was last confirmed, for the keyring to check before it
    /// seals (see [`Keyring::sealing_while`]).
    pub fn clock(&self) -> Arc<LeaseClock> {
        self.clock.clone()
    }

    async fn register(&self, keyring: &Keyring) -> Result<(), DomainError> {
        let mut tx = begin_key_change(&self.db).await?;
        check_keyring(&mut *tx, keyring).await?;
        for other in live_instances(&mut tx).await? {
            if !keyring.has(&other.sealing_key_id) {
                return Err(CryptoError::LacksRunningInstancesKey(other.sealing_key_id).into());
            }
            if !other.holds(&self.sealing_key_id) {
                return Err(
                    CryptoError::RunningInstanceLacksKey(self.sealing_key_id.clone()).into(),
                );
            }
        }
        sqlx::query(
            "INSERT INTO instance_leases (id, sealing_key_id, key_ids, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&self.id)
        .bind(&self.sealing_key_id)
        .bind(&self.key_ids)
        .bind(now_unix() + LEASE_SECS)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.clock.confirm();
        Ok(())
    }

    /// Extends the lease. A lease that expired meanwhile (the instance was
    /// stalled) is taken again only if the checks of [`Self::acquire`] still
    /// pass; otherwise this instance must stop serving.
    pub async fn renew(&self, keyring: &Keyring) -> Result<(), DomainError> {
        let renewed = sqlx::query("UPDATE instance_leases SET expires_at = $1 WHERE id = $2")
            .bind(now_unix() + LEASE_SECS)
            .bind(&self.id)
            .execute(self.db.pool())
            .await?
            .rows_affected();
        if renewed == 0 {
            return self.register(keyring).await;
        }
        self.clock.confirm();
        Ok(())
    }

    pub async fn release(self) -> Result<(), DomainError> {
        sqlx::query("DELETE FROM instance_leases WHERE id = $1")
            .bind(&self.id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }
}
