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
    Crypto(#[from] crate::crypto::CryptoError),
}

impl DomainError {
    /// True when the database reports a unique-constraint violation.
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }
}
