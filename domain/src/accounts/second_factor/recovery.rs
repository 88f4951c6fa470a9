//! Recovery codes: ten at a time, each 120 random bits shown once, stored
//! as a salted SHA-256 (enough for codes of at least 112 bits, ASVS 6.5.2),
//! each working once.

use model::UserId;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::db::new_id;
use crate::error::DomainError;

pub const CODES_PER_SET: usize = 10;
/// Base32 (RFC 4648), lower case: 32 symbols, so each is 5 unbiased bits of a byte.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Characters per code, five bits each.
const CODE_CHARS: usize = 24;

/// Codes to show the user once: never stored, never logged.
pub struct RecoveryCodes(pub Vec<Zeroizing<String>>);

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes(<{} redacted>)", self.0.len())
    }
}

/// `abcd-efgh-jkmn-pqrs-tuvw-xyz2`: groups of four, easy to read out.
fn new_code() -> Zeroizing<String> {
    let mut bytes = [0u8; CODE_CHARS];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect();
    Zeroizing::new(
        chars
            .chunks(4)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-"),
    )
}

/// How a typed code is compared: case, spaces and dashes do not matter.
pub(super) fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub(super) fn hash(salt: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{salt}:{}", normalise(code)).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new set replaces every code the user had.
pub(super) async fn replace_all(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &UserId,
) -> Result<RecoveryCodes, DomainError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let mut codes = Vec::with_capacity(CODES_PER_SET);
    for _ in 0..CODES_PER_SET {
        let code = new_code();
        let salt = new_id();
        sqlx::query(
            "INSERT INTO recovery_codes (id, user_id, salt, code_hash) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(user_id)
        .bind(&salt)
        .bind(hash(&salt, &code))
        .execute(&mut **tx)
        .await?;
        codes.push(code);
    }
    Ok(RecoveryCodes(codes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_random_and_forgiving_to_type() {
        let a = new_code();
        let b = new_code();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(normalise(&a).len(), CODE_CHARS);
        assert_eq!(a.len(), CODE_CHARS + CODE_CHARS / 4 - 1);
        let typed = format!(" {} ", a.to_uppercase().replace('-', " "));
        assert_eq!(hash("salt", &typed), hash("salt", &a));
        assert_ne!(hash("salt", &a), hash("pepper", &a));
        assert!(!format!("{:?}", RecoveryCodes(vec![a.clone()])).contains(a.as_str()));
    }
}
