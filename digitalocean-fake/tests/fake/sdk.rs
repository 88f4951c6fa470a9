//! DigitalOcean's own Python client drives every call Potions makes against
//! the fake (`tests/sdk/drive.py`); the fake checks each answer against the
//! OpenAPI description when it is dropped. `cargo xtask test` installs the
//! client (`fake-kit/sdk/requirements.txt`) and names its Python in
//! `POTIONS_SDK_PYTHON`; without it this test fails, it never skips.

use crate::support::{ed25519_key, Setup, POTIONS_SCOPES};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pydo_drives_every_call() {
    let s = Setup::started().await;
    let tokens = s.tokens(POTIONS_SCOPES);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/drive.py");
    let env = [
        ("DIGITALOCEAN_TOKEN", tokens.access.clone()),
        ("DIGITALOCEAN_ENDPOINT", s.fake.api_base_url()),
        (
            "FAKE_CLOCK_URL",
            format!("{}/_admin/clock", s.fake.api_base_url()),
        ),
        ("SSH_PUBLIC_KEY", ed25519_key(7)),
    ];
    let stderr = fake_kit::sdk::run_client_script(script, &env).await;
    assert!(stderr.contains("drove every call"), "{stderr}");
}
