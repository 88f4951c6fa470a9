//! Token fingerprints: a keyed HMAC that finds duplicate tokens without
//! decrypting anything, under a key of its own.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{CryptoError, Keyring, MasterKey, KEY_BYTES};

/// The secret behind token fingerprints. It is generated once and kept,
/// sealed, in the database, so fingerprints stay the same when master keys
/// change and whichever key each instance seals with.
pub struct FingerprintKey(Zeroizing<[u8; KEY_BYTES]>);

impl FingerprintKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| CryptoError::Decrypt)?;
        Ok(Self(Zeroizing::new(bytes)))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// What fingerprints were keyed with before the key was kept apart:
    /// derived from a master key, so fingerprints stored then still match.
    pub(super) fn derived_from(key: &MasterKey) -> Self {
        let derived = Sha256::new_with_prefix(b"potions/v1|token-hmac|")
            .chain_update(key.bytes.as_ref())
            .finalize();
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        bytes.copy_from_slice(&derived);
        Self(bytes)
    }
}

impl Keyring {
    pub fn with_fingerprint_key(self, fingerprint_key: FingerprintKey) -> Self {
        Self {
            fingerprint_key,
            ..self
        }
    }

    /// The fingerprint key a keyring starts with (see [`Keyring::new`]).
    pub fn initial_fingerprint_key(&self) -> &FingerprintKey {
        &self.fingerprint_key
    }

    /// A keyed hash of a token, for finding duplicates without decrypting.
    pub fn token_fingerprint(&self, token: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.fingerprint_key.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(token.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY5zA7cD9fG1hJ3k";

    #[test]
    fn token_fingerprints_are_keyed() {
        let a = Keyring::new(MasterKey::generate(), vec![]);
        let b = Keyring::new(MasterKey::generate(), vec![]);
        let token = TOKEN;
        assert_eq!(a.token_fingerprint(token), a.token_fingerprint(token));
        assert_ne!(a.token_fingerprint(token), b.token_fingerprint(token));
        assert!(!a.token_fingerprint(token).contains(token));
    }

    #[test]
    fn a_stored_fingerprint_key_outlives_the_master_key() {
        let token = TOKEN;
        let first = Keyring::new(MasterKey::generate(), vec![]);
        let before = first.token_fingerprint(token);
        let stored = FingerprintKey::from_bytes(first.initial_fingerprint_key().as_bytes())
            .expect("32 bytes");
        let rotated = Keyring::new(MasterKey::generate(), vec![]).with_fingerprint_key(stored);
        assert_eq!(rotated.token_fingerprint(token), before);
    }
}
