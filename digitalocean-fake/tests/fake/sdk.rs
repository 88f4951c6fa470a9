//! DigitalOcean's own Python client drives every call Potions makes against
//! the fake (`tests/sdk/drive.py`); the fake checks each answer against the
//! OpenAPI description when it is dropped. `cargo xtask test` installs the
//! client (`fake-kit/sdk/requirements.txt`) and names its Python in
//! `POTIONS_SDK_PYTHON`; without it this test fails, it never skips.

use std::time::Duration;

use crate::support::{ed25519_key, Setup, POTIONS_SCOPES};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pydo_drives_every_call() {
    let python = std::env::var("POTIONS_SDK_PYTHON").unwrap_or_else(|_| {
        panic!(
            "POTIONS_SDK_PYTHON is not set: run `cargo xtask test`, which installs \
             fake-kit/sdk/requirements.txt and sets it"
        )
    });
    let s = Setup::started().await;
    let tokens = s.tokens(POTIONS_SCOPES);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/drive.py");
    let mut child = std::process::Command::new(&python)
        .arg(script)
        .env("DIGITALOCEAN_TOKEN", &tokens.access)
        .env("DIGITALOCEAN_ENDPOINT", s.fake.api_base_url())
        .env(
            "FAKE_CLOCK_URL",
            format!("{}/_admin/clock", s.fake.api_base_url()),
        )
        .env("SSH_PUBLIC_KEY", ed25519_key(7))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{python} runs: {err}"));
    // Waited for without blocking the runtime the fake answers on.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("child status").is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("pydo did not finish in 120 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let output = child.wait_with_output().expect("child output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "pydo failed:\n{stderr}");
    assert!(stderr.contains("drove every call"), "{stderr}");
}
