//! AES-256-GCM with a fresh random 96-bit nonce per encryption, associated
//! data that binds each ciphertext to its owner, row and purpose, and the
//! id of the sealing key stored beside it; the keyring of master keys.

use std::sync::Arc;

use super::{FingerprintKey, LeaseClock};
use crate::error::CryptoError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub const KEY_BYTES: usize = 32;
pub const NONCE_BYTES: usize = 12;

/// What a secret is for; part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    HetznerToken,
    DigitalOceanAccessToken,
    DigitalOceanRefreshToken,
    /// A PKCE verifier kept while an OAuth flow is under way.
    PkceVerifier,
    SshPrivateKey,
    /// The key of the token fingerprints, kept in the database.
    FingerprintKey,
    /// A user's TOTP secret.
    TotpSecret,
    /// New recovery codes until the Security page shows them.
    FreshRecoveryCodes,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::HetznerToken => "hetzner-token",
            Self::DigitalOceanAccessToken => "digitalocean-access-token",
            Self::DigitalOceanRefreshToken => "digitalocean-refresh-token",
            Self::PkceVerifier => "pkce-verifier",
            Self::SshPrivateKey => "ssh-private-key",
            Self::FingerprintKey => "fingerprint-key",
            Self::TotpSecret => "totp-secret",
            Self::FreshRecoveryCodes => "fresh-recovery-codes",
        }
    }
}

/// Where a ciphertext belongs: decrypting it anywhere else fails.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    pub owner_id: &'a str,
    pub row_id: &'a str,
    pub purpose: Purpose,
}

impl Binding<'_> {
    fn associated_data(&self, key_id: &str) -> Vec<u8> {
        format!(
            "potions/v1|{}|{}|{}|{key_id}",
            self.purpose.as_str(),
            self.owner_id,
            self.row_id
        )
        .into_bytes()
    }
}

/// A sealed secret as stored: key id, nonce and ciphertext (with tag), base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: String,
    pub ciphertext: String,
}

pub struct MasterKey {
    id: String,
    pub(super) bytes: Zeroizing<[u8; KEY_BYTES]>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self::from_bytes(bytes)
    }

    fn from_bytes(bytes: Zeroizing<[u8; KEY_BYTES]>) -> Self {
        // The id names the key without revealing it.
        let digest = Sha256::digest(bytes.as_ref());
        let id = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        Self { id, bytes }
    }

    pub fn from_base64(encoded: &str) -> Result<Self, CryptoError> {
        let decoded = Zeroizing::new(
            B64.decode(encoded.trim())
                .map_err(|_| CryptoError::BadKeyEncoding)?,
        );
        let bytes: [u8; KEY_BYTES] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::BadKeyEncoding)?;
        Ok(Self::from_bytes(Zeroizing::new(bytes)))
    }

    /// Several keys, separated by commas or white space, the sealing one first.
    pub fn list_from_base64(encoded: &str) -> Result<Vec<Self>, CryptoError> {
        let keys = encoded
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .map(Self::from_base64)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(CryptoError::BadKeyEncoding);
        }
        Ok(keys)
    }

    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(B64.encode(self.bytes.as_ref()))
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.bytes.as_ref().into())
    }
}

/// The loaded master keys: the current one seals, any of them opens.
pub struct Keyring {
    pub(super) keys: Vec<MasterKey>,
    pub(super) fingerprint_key: FingerprintKey,
    /// A serving instance's lease: it seals only while the lease holds.
    pub(super) lease: Option<Arc<LeaseClock>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.keys).finish()
    }
}

impl Keyring {
    /// Fingerprints are keyed from `current` until [`Self::with_fingerprint_key`]
    /// sets the stored key.
    pub fn new(current: MasterKey, older: Vec<MasterKey>) -> Self {
        let fingerprint_key = FingerprintKey::derived_from(&current);
        let mut keys = vec![current];
        keys.extend(older);
        Self {
            keys,
            fingerprint_key,
            lease: None,
        }
    }

    /// This keyring seals only while `lease` is confirmed.
    pub fn sealing_while(self, lease: Arc<LeaseClock>) -> Self {
        Self {
            lease: Some(lease),
            ..self
        }
    }

    /// From keys listed sealing key first.
    pub fn from_keys(mut keys: Vec<MasterKey>) -> Result<Self, CryptoError> {
        if keys.is_empty() {
            return Err(CryptoError::BadKeyEncoding);
        }
        let current = keys.remove(0);
        Ok(Self::new(current, keys))
    }

    pub fn current(&self) -> &MasterKey {
        &self.keys[0]
    }

    pub fn keys(&self) -> &[MasterKey] {
        &self.keys
    }

    pub fn has(&self, key_id: &str) -> bool {
        self.keys.iter().any(|k| k.id == key_id)
    }

    pub fn seal(&self, plaintext: &[u8], binding: Binding<'_>) -> Result<Sealed, CryptoError> {
        if self.lease.as_ref().is_some_and(|lease| !lease.may_seal()) {
            return Err(CryptoError::LeaseLapsed);
        }
        let key = self.current();
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = binding.associated_data(&key.id);
        let ciphertext = key
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Encrypt)?;
        Ok(Sealed {
            key_id: key.id.clone(),
            nonce: B64.encode(nonce),
            ciphertext: B64.encode(ciphertext),
        })
    }

    pub fn open(
        &self,
        sealed: &Sealed,
        binding: Binding<'_>,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let key = self
            .keys
            .iter()
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| CryptoError::MissingKey(sealed.key_id.clone()))?;
        let nonce = B64
            .decode(&sealed.nonce)
            .map_err(|_| CryptoError::Decrypt)?;
        if nonce.len() != NONCE_BYTES {
            return Err(CryptoError::Decrypt);
        }
        let ciphertext = B64
            .decode(&sealed.ciphertext)
            .map_err(|_| CryptoError::Decrypt)?;
        let aad = binding.associated_data(&sealed.key_id);
        key.cipher()
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const TOKEN: &[u8] = b"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY5zA7cD9fG1hJ3k";

    fn binding(row: &str) -> Binding<'_> {
        Binding {
            owner_id: "user-1",
            row_id: row,
            purpose: Purpose::HetznerToken,
        }
    }

    fn flip(b64: &str, index: usize) -> String {
        let mut bytes = B64.decode(b64).expect("b64");
        let i = index % bytes.len();
        bytes[i] ^= 0x01;
        B64.encode(bytes)
    }

    #[test]
    fn round_trip() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let sealed = ring.seal(TOKEN, binding("row-1")).expect("seal");
        assert_eq!(sealed.key_id, ring.current().id());
        assert_eq!(
            ring.open(&sealed, binding("row-1"))
                .expect("open")
                .as_slice(),
            TOKEN
        );
        assert!(!sealed.ciphertext.contains(&B64.encode(TOKEN)[..20]));
    }

    #[test]
    fn any_flipped_bit_fails() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let sealed = ring.seal(TOKEN, binding("row-1")).expect("seal");
        let ct_len = B64.decode(&sealed.ciphertext).expect("b64").len();
        // Every byte of the ciphertext, including the 16-byte tag at its end.
        for i in 0..ct_len {
            let bad = Sealed {
                ciphertext: flip(&sealed.ciphertext, i),
                ..sealed.clone()
            };
            assert!(
                ring.open(&bad, binding("row-1")).is_err(),
                "ciphertext byte {i}"
            );
        }
        for i in 0..NONCE_BYTES {
            let bad = Sealed {
                nonce: flip(&sealed.nonce, i),
                ..sealed.clone()
            };
            assert!(ring.open(&bad, binding("row-1")).is_err(), "nonce byte {i}");
        }
    }

    #[test]
    fn a_ciphertext_moved_to_another_row_owner_or_purpose_fails() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let sealed = ring.seal(TOKEN, binding("row-1")).expect("seal");
        assert!(matches!(
            ring.open(&sealed, binding("row-2")),
            Err(CryptoError::Decrypt)
        ));
        let other_owner = Binding {
            owner_id: "user-2",
            ..binding("row-1")
        };
        assert!(ring.open(&sealed, other_owner).is_err());
        let other_purpose = Binding {
            purpose: Purpose::SshPrivateKey,
            ..binding("row-1")
        };
        assert!(ring.open(&sealed, other_purpose).is_err());
    }

    #[test]
    fn nonces_are_unique_over_100_000_encryptions() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let mut seen = HashSet::with_capacity(100_000);
        for _ in 0..100_000 {
            let sealed = ring.seal(b"x", binding("row-1")).expect("seal");
            assert!(seen.insert(sealed.nonce), "nonce repeated");
        }
    }

    #[test]
    fn a_missing_key_is_named() {
        let old = Keyring::new(MasterKey::generate(), vec![]);
        let sealed = old.seal(TOKEN, binding("row-1")).expect("seal");
        let new = Keyring::new(MasterKey::generate(), vec![]);
        match new.open(&sealed, binding("row-1")) {
            Err(CryptoError::MissingKey(id)) => assert_eq!(id, old.current().id()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_keyring_whose_lease_lapsed_seals_nothing_until_it_is_confirmed() {
        let stalled = Arc::new(LeaseClock::confirmed_ago(std::time::Duration::from_secs(
            25,
        )));
        let keyring = Keyring::new(MasterKey::generate(), vec![]).sealing_while(stalled.clone());
        assert!(matches!(
            keyring.seal(TOKEN, binding("c1")),
            Err(CryptoError::LeaseLapsed)
        ));
        stalled.confirm();
        let sealed = keyring.seal(TOKEN, binding("c1")).expect("confirmed again");
        assert_eq!(
            keyring.open(&sealed, binding("c1")).unwrap().as_slice(),
            TOKEN
        );
    }
}
