//! Argon2id password hashing.

use crate::error::Refusal;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::error::DomainError;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// OWASP's Argon2id baseline: 19 MiB, two passes, one lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn check_policy(password: &str) -> Result<(), DomainError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(DomainError::Refused(Refusal::WeakPassword))
    }
}

pub fn hash(password: &str) -> Result<String, DomainError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| DomainError::Hashing)
}

/// Compares in constant time; a malformed stored hash never matches.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, so an unknown email takes as long
/// to refuse as a wrong password.
fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| hash("dummy password for timing").ok()) {
        let _ = verify(password, hash);
    }
}

/// Argon2 holds a core and 19 MiB for ~20 ms. It runs on the blocking pool,
/// one hash per core but one at a time (a core stays free for serving): a
/// flood of sign-ins queues here instead of stalling every other request.
async fn off_the_async_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DomainError> {
    static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
    });
    let _permit = HASHING.acquire().await.map_err(|_| DomainError::Hashing)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| DomainError::Hashing)
}

/// [`hash`], off the async workers.
pub async fn hash_password(password: &str) -> Result<String, DomainError> {
    let password = Zeroizing::new(password.to_owned());
    off_the_async_workers(move || hash(&password)).await?
}

/// [`verify`] against `stored_hash`, or the same work against a dummy hash
/// when there is none (unknown email), off the async workers.
pub async fn verify_password(password: &str, stored_hash: Option<String>) -> bool {
    let password = Zeroizing::new(password.to_owned());
    off_the_async_workers(move || match stored_hash {
        Some(hash) => verify(&password, &hash),
        None => {
            verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_same_password() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("", &h));
    }

    #[test]
    fn same_password_hashes_differently_each_time() {
        let a = hash("same password").expect("hash");
        let b = hash("same password").expect("hash");
        assert_ne!(a, b, "salts must differ");
    }

    #[test]
    fn malformed_stored_hash_never_matches() {
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("anything", ""));
    }

    #[test]
    fn policy_bounds_length_in_characters() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("12345678").is_ok());
        assert!(check_policy(&"é".repeat(MAX_PASSWORD_CHARS)).is_ok());
        assert!(check_policy(&"a".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }
}
