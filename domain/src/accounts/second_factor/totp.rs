//! TOTP codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), the
//! enrolment URI and its QR code.

use rand::RngCore as _;
use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::Zeroizing;

pub const STEP_SECS: i64 = 30;
/// Steps either side of now a code is still taken for (a clock a little off).
const SKEW_STEPS: i64 = 1;

/// A fresh 160-bit secret, as RFC 4226 recommends.
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(vec![0u8; 20]);
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// The secret as authenticator apps take it typed in: base32, no padding.
pub fn encoded(secret: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(Secret::Raw(secret.to_vec()).to_encoded().to_string())
}

fn totp(secret: &[u8]) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 0, STEP_SECS as u64, secret.to_vec()).ok()
}

/// The code of one time step.
pub fn code_at_step(secret: &[u8], step: i64) -> Option<String> {
    let time = u64::try_from(step * STEP_SECS).ok()?;
    Some(totp(secret)?.generate(time))
}

/// The time step `code` belongs to, within one step of `now`: the caller
/// accepts it only if no code of that step or a later one was used before.
pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now / STEP_SECS;
    (current - SKEW_STEPS..=current + SKEW_STEPS)
        .find(|step| code_at_step(secret, *step).as_deref() == Some(code.as_str()))
}

/// What an authenticator app scans: `otpauth://totp/Potions:<email>?…`.
pub fn otpauth_uri(secret: &[u8], email: &str) -> Zeroizing<String> {
    let label: String =
        form_urlencoded::byte_serialize(format!("Potions:{email}").as_bytes()).collect();
    Zeroizing::new(format!(
        "otpauth://totp/{label}?secret={}&issuer=Potions&algorithm=SHA1&digits=6&period={STEP_SECS}",
        encoded(secret).as_str()
    ))
}

/// The URI as an SVG QR code (markup only: no script, no external reference).
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, last six digits.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                code_at_step(secret, time / STEP_SECS).unwrap(),
                code,
                "{time}"
            );
        }
    }

    #[test]
    fn a_code_matches_within_one_step_either_side() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let step = now / STEP_SECS;
        for offset in [-1, 0, 1] {
            let code = code_at_step(&secret, step + offset).unwrap();
            assert_eq!(matching_step(&secret, &code, now), Some(step + offset));
        }
        for offset in [-2, 2] {
            let code = code_at_step(&secret, step + offset).unwrap();
            assert_eq!(matching_step(&secret, &code, now), None, "{offset}");
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn the_uri_and_qr_code_carry_the_secret_for_the_app() {
        let secret = new_secret();
        let uri = otpauth_uri(&secret, "ada@example.com");
        assert!(uri.starts_with("otpauth://totp/Potions%3Aada%40example.com?secret="));
        assert!(uri.contains(encoded(&secret).as_str()));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && !svg.contains("<script"));
    }
}
