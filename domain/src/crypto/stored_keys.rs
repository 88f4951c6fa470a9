//! Which master keys the secrets stored sealed need: what a keyring must
//! hold before an instance serves or a rotation starts.

use sqlx::Any;

use crate::crypto::{CryptoError, Keyring};
use crate::error::DomainError;

const REQUIRED_KEY_IDS: &str = "SELECT token_key_id FROM connections \
     UNION SELECT refresh_key_id FROM connections WHERE refresh_key_id IS NOT NULL \
     UNION SELECT verifier_key_id FROM oauth_states \
     UNION SELECT private_key_id FROM user_ssh_keys \
     UNION SELECT key_id FROM sealed_settings \
     UNION SELECT secret_key_id FROM totp_factors \
     UNION SELECT codes_key_id FROM fresh_recovery_codes";

/// The ids of every master key some stored secret was sealed with.
pub async fn required_key_ids<'e, E>(executor: E) -> Result<Vec<String>, DomainError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows: Vec<(String,)> = sqlx::query_as(REQUIRED_KEY_IDS).fetch_all(executor).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Refuses a keyring that cannot open every stored secret, naming a missing
/// key; on a pool, or inside a key change's transaction.
pub async fn check_keyring<'e, E>(executor: E, keyring: &Keyring) -> Result<(), DomainError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    match required_key_ids(executor)
        .await?
        .into_iter()
        .find(|id| !keyring.has(id))
    {
        Some(missing) => Err(CryptoError::MissingKey(missing).into()),
        None => Ok(()),
    }
}
