//! Runs a provider's own Python client against a fake: the script at
//! `script`, with `env`, under the interpreter `cargo xtask test` installs
//! the pinned clients into (`fake-kit/sdk/requirements.txt`) and names in
//! `POTIONS_SDK_PYTHON`. Without it the caller's test fails, never skips.

use std::time::{Duration, Instant};

/// A script that has not finished by then has hung.
const DEADLINE: Duration = Duration::from_secs(120);

/// Runs the script to its end, waiting without blocking the runtime the
/// fake answers on; panics unless it succeeds. Answers what it wrote to
/// standard error.
pub async fn run_client_script(script: &str, env: &[(&str, String)]) -> String {
    let python = std::env::var("POTIONS_SDK_PYTHON").unwrap_or_else(|_| {
        panic!(
            "POTIONS_SDK_PYTHON is not set: run `cargo xtask test`, which installs \
             fake-kit/sdk/requirements.txt and sets it"
        )
    });
    let mut child = std::process::Command::new(&python)
        .arg(script)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{python} runs: {err}"));
    let deadline = Instant::now() + DEADLINE;
    while child
        .try_wait()
        .map(|status| status.is_none())
        .unwrap_or(false)
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{script} did not finish in {} s", DEADLINE.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|err| panic!("{script}: {err}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{script} failed:\n{stderr}");
    stderr
}
