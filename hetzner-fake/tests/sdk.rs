#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! Hetzner's own Python client drives every server action Potions uses
//! against the fake (`tests/sdk/drive.py`); the fake checks each answer
//! against the OpenAPI description when it is dropped. `cargo xtask test`
//! installs the client (`fake-kit/sdk/requirements.txt`) and names its Python
//! in `POTIONS_SDK_PYTHON`; without it this test fails, it never skips.

use hetzner_fake::{FakeConfig, FakeHetzner};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hcloud_python_drives_every_action() {
    let python = std::env::var("POTIONS_SDK_PYTHON").unwrap_or_else(|_| {
        panic!(
            "POTIONS_SDK_PYTHON is not set: run `cargo xtask test`, which installs \
             fake-kit/sdk/requirements.txt and sets it"
        )
    });
    let fake = FakeHetzner::start(FakeConfig {
        provisioning: Duration::from_millis(100),
        ..FakeConfig::default()
    })
    .await
    .expect("fake starts");
    let project = fake.add_project("sdk");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/drive.py");
    let mut child = std::process::Command::new(&python)
        .arg(script)
        .env("HCLOUD_TOKEN", &project.read_write_token)
        .env("HCLOUD_ENDPOINT", fake.base_url())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{python} runs: {err}"));
    // Waited for without blocking the runtime the fake answers on.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("child status").is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("hcloud-python did not finish in 120 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let output = child.wait_with_output().expect("child output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "hcloud-python failed:\n{stderr}");
    assert!(stderr.contains("drove every action"), "{stderr}");
}
