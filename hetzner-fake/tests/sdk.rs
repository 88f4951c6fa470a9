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
    let fake = FakeHetzner::start(FakeConfig {
        provisioning: Duration::from_millis(100),
        ..FakeConfig::default()
    })
    .await
    .expect("fake starts");
    let project = fake.add_project("sdk");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/drive.py");
    let env = [
        ("HCLOUD_TOKEN", project.read_write_token.clone()),
        ("HCLOUD_ENDPOINT", fake.base_url()),
    ];
    let stderr = fake_kit::sdk::run_client_script(script, &env).await;
    assert!(stderr.contains("drove every action"), "{stderr}");
}
