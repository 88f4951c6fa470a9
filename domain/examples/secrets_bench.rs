//! Timing of the secret operations, for `cargo xtask bench`: prints
//! `figure<TAB>value` lines.

use domain::crypto::{Binding, Keyring, MasterKey, Purpose};
use std::time::Instant;

fn main() {
    let ring = Keyring::new(MasterKey::generate(), vec![]);
    let token = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY5zA7cD9fG1hJ3k";
    let binding = Binding {
        owner_id: "user",
        row_id: "row",
        purpose: Purpose::HetznerToken,
    };
    let rounds = 100_000u32;
    let started = Instant::now();
    for _ in 0..rounds {
        let sealed = ring
            .seal(token.as_bytes(), binding)
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = ring
            .open(&sealed, binding)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let per = started.elapsed() / rounds;
    println!(
        "AES-256-GCM seal + open of a token\t{:.2} µs (mean of {rounds})",
        per.as_secs_f64() * 1e6
    );

    let rounds = 20u32;
    let started = Instant::now();
    for _ in 0..rounds {
        let _ = domain::accounts::password::hash("correct horse battery staple")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let per = started.elapsed() / rounds;
    println!(
        "Argon2id hash (19 MiB, t=2, p=1)\t{:.1} ms (mean of {rounds})",
        per.as_secs_f64() * 1e3
    );
}
