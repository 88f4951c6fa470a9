//! OpenSSH public keys: Potions' own ed25519 key pairs, and the MD5
//! fingerprints Hetzner shows.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use md5::{Digest, Md5};
use rand::RngCore as _;
use zeroize::Zeroizing;

pub const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Longest public key accepted (an RSA 16384-bit key is about 2.8 KB).
pub const MAX_PUBLIC_KEY_BYTES: usize = 8 * 1024;

fn ssh_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A new ed25519 key pair: the OpenSSH public key line and the private seed.
pub fn generate_ed25519(comment: &str) -> (String, Zeroizing<[u8; 32]>) {
    let mut seed = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(seed.as_mut());
    let public = ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes();
    let mut blob = Vec::new();
    ssh_string(&mut blob, b"ssh-ed25519");
    ssh_string(&mut blob, &public);
    (format!("ssh-ed25519 {} {comment}", B64.encode(blob)), seed)
}

/// The decoded key blob of an OpenSSH public key line, if it is one.
fn key_blob(public_key: &str) -> Option<Vec<u8>> {
    if public_key.len() > MAX_PUBLIC_KEY_BYTES {
        return None;
    }
    let mut parts = public_key.split_whitespace();
    let (kind, blob) = (parts.next()?, parts.next()?);
    if !KEY_TYPES.contains(&kind) {
        return None;
    }
    let bytes = B64.decode(blob).ok()?;
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    (bytes.get(4..4usize.checked_add(len)?)? == kind.as_bytes()).then_some(bytes)
}

pub fn is_public_key(text: &str) -> bool {
    key_blob(text).is_some()
}

/// `aa:bb:…`, the MD5 fingerprint Hetzner lists keys by.
pub fn md5_fingerprint(public_key: &str) -> Option<String> {
    let digest = Md5::digest(key_blob(public_key)?);
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_valid_openssh_lines() {
        let (public, seed) = generate_ed25519("potions");
        assert!(
            public.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"),
            "{public}"
        );
        assert!(public.ends_with(" potions"));
        assert!(is_public_key(&public));
        let (other, _) = generate_ed25519("potions");
        assert_ne!(public, other);
        assert_ne!(*seed, [0u8; 32]);
    }

    #[test]
    fn fingerprints_match_ssh_keygen() {
        // `ssh-keygen -l -E md5` prints 3a:57:… for this key.
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp x@y";
        assert_eq!(
            md5_fingerprint(key).as_deref(),
            Some("3a:57:1a:ae:62:e8:fa:26:20:05:61:a2:f2:35:ce:2c")
        );
    }

    #[test]
    fn rejects_what_is_not_a_key() {
        for bad in [
            "",
            "ssh-ed25519",
            "ssh-ed25519 !!!",
            "ssh-dss AAAAB3NzaC1kc3M=",
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp",
        ] {
            assert!(!is_public_key(bad), "{bad:?}");
        }
        assert!(!is_public_key(&format!(
            "ssh-ed25519 {}",
            "A".repeat(MAX_PUBLIC_KEY_BYTES)
        )));
    }
}
