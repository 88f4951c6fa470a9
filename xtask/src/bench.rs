//! `cargo xtask bench`: measures Potions' size, speed and memory against its
//! budgets on this machine and prints one table. Figures, not pass/fail.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::tools::Toolchain;
use crate::{build_fake_hetzner, build_release, run_step, say, workspace_root, Result};

const POTIONS: &str = "127.0.0.1:3300";
const FAKE: &str = "127.0.0.1:4310";

struct Row {
    figure: String,
    value: String,
    budget: String,
}

fn row(figure: &str, value: String, budget: &str) -> Row {
    Row {
        figure: figure.into(),
        value,
        budget: budget.into(),
    }
}

/// One HTTP/1.1 request over a fresh connection: status, headers, body.
fn http(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(POTIONS).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {POTIONS}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| e.to_string())?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, head.to_string(), body.to_string()))
}

fn admin(method: &str, path: &str, body: &str) -> Result<String> {
    let mut stream = TcpStream::connect(FAKE).map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {FAKE}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| e.to_string())?;
    Ok(response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default())
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn post_form(path: &str, pairs: &[(&str, &str)], cookie: &str) -> Result<(u16, String, String)> {
    let origin = format!("http://{POTIONS}");
    let referer = format!("{origin}/");
    http(
        "POST",
        path,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "text/html"),
            ("Origin", &origin),
            ("Referer", &referer),
            ("Cookie", cookie),
        ],
        &form(pairs),
    )
}

/// Signs up a new account and returns its session cookie (`name=value`).
fn sign_up(email: &str) -> Result<String> {
    let (_, head, _) = post_form(
        "/api/sign_up",
        &[
            ("email", email),
            ("password", "correct+horse+battery+staple"),
        ],
        "",
    )?;
    head.lines()
        .find_map(|l| {
            l.to_lowercase()
                .starts_with("set-cookie: ")
                .then(|| l[12..].split(';').next().unwrap_or_default().to_string())
        })
        .ok_or_else(|| "sign-up set no cookie".to_string())
}

/// Connects `count` fresh projects of the fake for the account.
fn connect_projects(cookie: &str, prefix: &str, count: usize) -> Result {
    for n in 0..count {
        let token = new_project(&format!("{prefix}-{n}"))?;
        post_form(
            "/api/connect_hetzner",
            &[("label", prefix), ("token", &token)],
            cookie,
        )?;
    }
    Ok(())
}

fn new_project(name: &str) -> Result<String> {
    let answer = admin(
        "POST",
        "/_admin/projects",
        &format!("{{\"name\":\"{name}\"}}"),
    )?;
    answer
        .split("\"read_write_token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .ok_or_else(|| format!("fake answered {answer}"))
}

fn set_latency(millis: u64) -> Result {
    admin(
        "PUT",
        "/_admin/latency",
        &format!("{{\"millis\":{millis}}}"),
    )
    .map(|_| ())
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn start_potions(data: &Path) -> Result<(Child, Duration)> {
    let root = workspace_root();
    let started = Instant::now();
    let child = Command::new(root.join("target/release/potions"))
        .env("POTIONS_LISTEN", POTIONS)
        .env("POTIONS_DATA_DIR", data)
        .env("LEPTOS_SITE_ROOT", root.join("target/site"))
        .env("POTIONS_HETZNER_API_URL", format!("http://{FAKE}/v1"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start potions: {e}"))?;
    while started.elapsed() < Duration::from_secs(30) {
        if http("GET", "/healthz", &[], "").is_ok_and(|(s, _, _)| s == 200) {
            return Ok((child, started.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Err("potions did not start".into())
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn gzip_size(path: &Path) -> u64 {
    Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map(|o| o.stdout.len() as u64)
        .unwrap_or(0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `wrk` for about ten seconds: requests/s, p50 and p99 in ms.
fn wrk(path: &str, connections: u32, cookie: &str) -> Result<(f64, f64, f64)> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            "-d10s",
            "--latency",
            "-H",
        ])
        .arg(format!("Cookie: {cookie}"))
        .arg(format!("http://{POTIONS}{path}"))
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let ms = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(|v| {
                let (n, unit) = v.split_at(v.find(|c: char| c.is_alphabetic()).unwrap_or(v.len()));
                let n: f64 = n.parse().unwrap_or(f64::NAN);
                match unit {
                    "us" => n / 1000.0,
                    "s" => n * 1000.0,
                    _ => n,
                }
            })
    };
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
    match (rps, ms("50%"), ms("99%")) {
        (Some(r), Some(p50), Some(p99)) => Ok((r, p50, p99)),
        _ => Err(format!("could not read wrk's output:\n{text}")),
    }
}

fn ensure_wrk() -> Result {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    say("Installing wrk from Debian's packages");
    run_step(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))
}

pub fn bench() -> Result {
    let tools = Toolchain::ensure_for_tests()?;
    ensure_wrk()?;
    build_release(&tools)?;
    build_fake_hetzner()?;
    let root = workspace_root();
    let mut rows = Vec::new();

    say("Bundle size");
    let pkg = root.join("target/site/pkg");
    let (mut raw_total, mut gz_total) = (0, 0);
    for file in ["potions.wasm", "potions.js", "potions.css"] {
        let path = pkg.join(file);
        let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gz = gzip_size(&path);
        raw_total += raw;
        gz_total += gz;
        rows.push(row(
            &format!("  {file}"),
            format!(
                "{:.1} KB raw, {:.1} KB gzip",
                raw as f64 / 1024.0,
                gz as f64 / 1024.0
            ),
            "",
        ));
    }
    rows.push(row(
        "Bundle (wasm + JS + CSS)",
        format!(
            "{:.1} KB raw, {:.1} KB gzip -9",
            raw_total as f64 / 1024.0,
            gz_total as f64 / 1024.0
        ),
        "≤ 250 KB gzip",
    ));

    say("Starting the fake Hetzner and Potions on a fresh SQLite database");
    let mut fake = Command::new(root.join("target/release/hetzner-fake"))
        .args([
            "--port",
            "4310",
            "--rate-limit",
            "1000000",
            "--refill-per-sec",
            "1000",
        ])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("hetzner-fake: {e}"))?;
    std::thread::sleep(Duration::from_millis(300));
    let result = measure(&root, &mut rows);
    let _ = fake.kill();
    let _ = fake.wait();
    result?;

    println!("\n{:<44} {:<52} budget", "figure", "value");
    println!("{}", "-".repeat(120));
    for r in &rows {
        println!("{:<44} {:<52} {}", r.figure, r.value, r.budget);
    }
    Ok(())
}

fn measure(root: &Path, rows: &mut Vec<Row>) -> Result {
    let data = root.join("target/bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let (potions, startup) = start_potions(&data)?;
    rows.push(row(
        "Start-up (exec → /healthz 200, empty SQLite)",
        format!("{:.0} ms", startup.as_secs_f64() * 1000.0),
        "≤ 300 ms",
    ));
    std::thread::sleep(Duration::from_secs(1));
    let pid = potions.id();
    rows.push(row(
        "Memory, idle after start (RSS)",
        format!("{:.1} MB", rss_kb(pid, "VmRSS:") as f64 / 1024.0),
        "≤ 40 MB",
    ));

    let cookie = sign_up("bench%40example.com")?;

    say("Connect overhead: the fake adds 50 ms to every request");
    set_latency(50)?;
    let mut fresh = Vec::new();
    let mut ids = Vec::new();
    for n in 0..50 {
        let token = new_project(&format!("connect-{n}"))?;
        let started = Instant::now();
        let (_, head, _) = post_form(
            "/api/connect_hetzner",
            &[("label", "bench"), ("token", &token)],
            &cookie,
        )?;
        fresh.push(started.elapsed().as_secs_f64() * 1000.0 - 50.0);
        // Header names are case-insensitive; the id is not.
        let id = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            let value = value.trim().strip_prefix("/?connected=")?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.to_string())
        });
        ids.push((id.ok_or("connect failed")?, token));
    }
    let mut existing = Vec::new();
    for (id, token) in &ids {
        let (_, head, _) = post_form("/api/disconnect_connection", &[("id", id)], &cookie)?;
        if !head.contains("disconnected=1") {
            return Err(format!("disconnect failed: {head}"));
        }
        let started = Instant::now();
        post_form(
            "/api/connect_hetzner",
            &[("label", "bench"), ("token", token)],
            &cookie,
        )?;
        existing.push(started.elapsed().as_secs_f64() * 1000.0 - 100.0);
    }
    rows.push(row(
        "Connect overhead, fresh project (p50)",
        format!("{:.1} ms beyond one 50 ms round trip", median(fresh)),
        "≤ 5 ms",
    ));
    rows.push(row(
        "Connect overhead, key already there (p50)",
        format!("{:.1} ms beyond two 50 ms round trips", median(existing)),
        "≤ 5 ms",
    ));
    stop(potions);

    say("Dashboard fan-out: 5 projects, 50 ms each, cold cache");
    let _ = std::fs::remove_dir_all(&data);
    let (potions, _) = start_potions(&data)?;
    let fan_cookie = sign_up("fanout%40example.com")?;
    connect_projects(&fan_cookie, "fanout", 5)?;
    stop(potions);
    let mut fan = Vec::new();
    for _ in 0..3 {
        let (potions, _) = start_potions(&data)?;
        let started = Instant::now();
        let (status, _, _) = http(
            "GET",
            "/",
            &[("Cookie", &fan_cookie), ("Accept", "text/html")],
            "",
        )?;
        fan.push(started.elapsed().as_secs_f64() * 1000.0);
        stop(potions);
        if status != 200 {
            return Err(format!("dashboard answered {status}"));
        }
    }
    rows.push(row(
        "Dashboard, 5 projects × 50 ms, cold (median of 3)",
        format!("{:.1} ms", median(fan)),
        "≤ 70 ms",
    ));
    set_latency(0)?;

    say("SSR throughput: signed-in Dashboard with 3 projects, then the same bytes from a static file");
    let _ = std::fs::remove_dir_all(&data);
    let (potions, _) = start_potions(&data)?;
    let pid = potions.id();
    let ssr_cookie = sign_up("ssr%40example.com")?;
    connect_projects(&ssr_cookie, "ssr", 3)?;
    let (_, _, page) = http(
        "GET",
        "/",
        &[("Cookie", &ssr_cookie), ("Accept", "text/html")],
        "",
    )?;
    std::fs::write(root.join("target/site/bench-dashboard.html"), &page)
        .map_err(|e| e.to_string())?;
    for connections in [16, 64] {
        let (ssr_rps, ssr_p50, ssr_p99) = wrk("/", connections, &ssr_cookie)?;
        let (st_rps, st_p50, st_p99) = wrk("/bench-dashboard.html", connections, &ssr_cookie)?;
        rows.push(row(
            &format!("SSR Dashboard, c={connections}"),
            format!("{ssr_rps:.0} req/s, p50 {ssr_p50:.2} ms, p99 {ssr_p99:.2} ms"),
            "",
        ));
        rows.push(row(
            &format!("Static same bytes, c={connections}"),
            format!("{st_rps:.0} req/s, p50 {st_p50:.2} ms, p99 {st_p99:.2} ms"),
            "",
        ));
        rows.push(row(
            &format!("SSR / static, c={connections}"),
            format!("{:.2} ({ssr_rps:.0} / {st_rps:.0})", ssr_rps / st_rps),
            "≥ 0.5",
        ));
    }
    rows.push(row(
        "Memory, peak during the SSR load (VmHWM)",
        format!("{:.1} MB", rss_kb(pid, "VmHWM:") as f64 / 1024.0),
        "≤ 100 MB",
    ));

    say("Time to interactive in headless Chromium (median of 10)");
    let tti = Command::new("node")
        .arg(root.join("end2end/bench/tti.mjs"))
        .arg(format!("http://{POTIONS}/"))
        .arg(&ssr_cookie)
        .current_dir(root.join("end2end"))
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let tti_text = String::from_utf8_lossy(&tti.stdout).trim().to_string();
    rows.push(row(
        "Time to interactive, Dashboard (median of 10)",
        if tti_text.is_empty() {
            String::from_utf8_lossy(&tti.stderr)
                .lines()
                .last()
                .unwrap_or("failed")
                .to_string()
        } else {
            format!("{tti_text} ms")
        },
        "reported",
    ));
    stop(potions);
    let _ = std::fs::remove_file(root.join("target/site/bench-dashboard.html"));

    say("Secrets: AES-256-GCM seal + open, Argon2id hash");
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "domain",
            "--example",
            "secrets_bench",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| e.to_string())?;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((figure, value)) = line.split_once('\t') {
            rows.push(row(figure, value.to_string(), "reported"));
        }
    }
    Ok(())
}
