//! Two-factor sign-in: a TOTP authenticator (sealed with AES-256-GCM like
//! provider tokens), passkeys and recovery codes; setting the authenticator
//! up and turning it off (`setup.rs`, after the caller re-checked the
//! password), the codes (`totp.rs`, `recovery.rs`), passkeys (`passkey.rs`;
//! who they are made for, `relying_party.rs`; a ceremony between its halves,
//! `ceremony.rs`), new recovery codes kept for the page that shows them
//! (`fresh_codes.rs`), the sign-in's second step (`sign_in.rs`), a typed
//! code checked (`codes.rs`), and a destructive step asking again
//! (`again.rs`).

mod again;
mod ceremony;
mod codes;
mod fresh_codes;
mod passkey;
mod recovery;
mod relying_party;
mod setup;
mod sign_in;
pub mod totp;

pub use again::RECENT_SECS;
pub use passkey::{PasskeyChallenge, PasskeyInfo, MAX_PASSKEYS, NAME_MAX_CHARS};
pub use recovery::{RecoveryCodes, CODES_PER_SET};
pub use relying_party::RelyingParty;
pub use setup::{SecondFactors, Status, TotpState};
pub use sign_in::{Factor, PendingSecret, SecondStepDone, PENDING_TTL_SECS};
