//! Secrets at rest and the keys that seal them: AES-256-GCM sealing and the
//! keyring (`sealing.rs`), the key file that holds the master keys
//! (`key_file.rs`), token fingerprints (`fingerprint.rs`), which keys the
//! stored secrets need (`stored_keys.rs`), re-sealing every secret under a
//! new key (`secrets.rs`) and the leases by which running instances say which
//! keys they hold (`instances.rs`), with when this instance's lease was last
//! confirmed (`lease_clock.rs`), without which it does not seal.

mod fingerprint;
pub mod instances;
mod key_file;
mod lease_clock;
mod sealing;
pub mod secrets;
pub mod stored_keys;

pub use crate::error::CryptoError;
pub use fingerprint::FingerprintKey;
pub use key_file::{check_owner_only, key_file_path, read_key_file, write_key_file};
pub use lease_clock::LeaseClock;
pub use sealing::{Binding, Keyring, MasterKey, Purpose, Sealed, KEY_BYTES, NONCE_BYTES};
