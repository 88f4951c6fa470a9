use thiserror::Error;

pub use model::Refusal;

/// Everything the domain can refuse or fail at: a refusal the user reads
/// (its words and status are `model::Refusal`'s), or a fault of ours.
#[derive(Debug, Error)]
pub enum DomainError {
    #[error("refused: {0:?}")]
    Refused(#[from] Refusal),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl DomainError {
    /// True when the database reports a unique-constraint violation.
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }
}

/// A fault with the master keys or a sealed secret: never a user's doing.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("POTIONS_MASTER_KEY must be 32 bytes in base64")]
    BadKeyEncoding,
    #[error("key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error(
        "stored secrets need master key {0}, which is not loaded: set POTIONS_MASTER_KEY to \
        it or restore its key file"
    )]
    MissingKey(String),
    #[error("a secret could not be decrypted: wrong key, or the ciphertext was altered or moved")]
    Decrypt,
    #[error("encryption failed")]
    Encrypt,
    #[error(
        "a running Potions instance seals secrets with master key {0}, which this one does \
        not hold: give every instance the same keys (see docs/operations/master-keys.md)"
    )]
    LacksRunningInstancesKey(String),
    #[error(
        "a running Potions instance cannot open secrets sealed with master key {0}, which \
        this one would seal with: add the key to every running instance first, or make it \
        the second key here"
    )]
    RunningInstanceLacksKey(String),
    #[error(
        "{count} running Potions instance(s) do not hold the new master key {key_id}: stop \
        them, or add the key to each of them as a second key first"
    )]
    RotationWhileInstancesLackKey { count: usize, key_id: String },
    #[error(
        "with POTIONS_MASTER_KEY, supply the new key first: `potions generate-key > new.key`, \
        then `potions rotate-key --new-key-file new.key`"
    )]
    NewKeyNotSupplied,
    #[error(
        "this instance's lease was not confirmed lately (stalled, or the database unreachable): \
        it seals nothing until the lease is renewed"
    )]
    LeaseLapsed,
}
