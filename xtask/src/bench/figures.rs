//! One function per figure (or pair of figures measured together).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::accounts::{
    connect, connect_projects, connected_id, fake_concurrent_round_trips_ms, fake_round_trip_ms,
    new_project, set_latency, sign_up,
};
use super::processes::{memory_kb, start_potions, stop};
use super::{Row, POTIONS};
use crate::{bundle, say, Result};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

/// The release bundle as the browser fetches it: the Dashboard's share file
/// by file (gzip -9 and brotli), then every lazily loaded chunk together.
pub fn bundle_size(root: &Path) -> Result<Vec<Row>> {
    say("Bundle size");
    let bundle = bundle::measure(&root.join("target/site/pkg"))?;
    let sizes = |s: bundle::Sizes| {
        format!(
            "{:.1} KB raw, {:.1} KB gzip -9, {:.1} KB brotli",
            kb(s.raw),
            kb(s.gzip),
            kb(s.brotli)
        )
    };
    let mut rows: Vec<Row> = bundle
        .dashboard
        .iter()
        .filter(|(_, s)| s.gzip >= 1024)
        .map(|(name, s)| Row::new(&format!("  {name}"), sizes(*s), ""))
        .collect();
    rows.push(Row::new(
        "Dashboard interactive (main module, JS, CSS, loader)",
        sizes(bundle.dashboard_total()),
        "≤ 250 KB gzip",
    ));
    rows.push(Row::new(
        "All lazy chunks together",
        sizes(bundle.chunks),
        "",
    ));
    Ok(rows)
}

/// Start-up to the first healthy answer on an empty database, then idle memory.
pub fn startup_and_idle_memory(data: &Path) -> Result<Vec<Row>> {
    let (potions, startup) = start_potions(data)?;
    std::thread::sleep(Duration::from_secs(1));
    let idle = memory_kb(potions.id(), "VmRSS:");
    stop(potions);
    Ok(vec![
        Row::new(
            "Start-up (exec → /healthz 200, empty SQLite)",
            format!("{:.0} ms", startup.as_secs_f64() * 1000.0),
            "≤ 300 ms",
        ),
        Row::new(
            "Memory, idle after start (RSS)",
            format!("{:.1} MB", idle as f64 / 1024.0),
            "≤ 40 MB",
        ),
    ])
}

/// Connect time beyond Hetzner's round trips, with 50 ms added to each:
/// fresh projects, then the same ones again with the key already there. Each
/// connect is followed by the same round trips straight to the fake, and
/// what they really took (the injected 50 ms, the timer's overshoot and the
/// fake's own work) is what is subtracted: for a fresh project, two requests
/// at once (its check's read and write); with the key already there, one
/// request, twice (the check's second round trip follows the first).
pub fn connect_overhead(data: &Path) -> Result<Vec<Row>> {
    say("Connect overhead: the fake adds 50 ms to every request");
    let (potions, _) = start_potions(data)?;
    let cookie = sign_up("bench@example.com")?;
    set_latency(50)?;
    let mut fresh = Vec::new();
    let mut pairs = Vec::new();
    let mut trips = Vec::new();
    let mut connected = Vec::new();
    for n in 0..50 {
        let token = new_project(&format!("connect-{n}"))?;
        let started = Instant::now();
        let answer = connect(&cookie, "bench", &token)?;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        let pair = fake_concurrent_round_trips_ms(&token)?;
        fresh.push(took - pair);
        pairs.push(pair);
        connected.push((connected_id(&answer).ok_or("connect failed")?, token));
    }
    let mut existing = Vec::new();
    for (id, token) in &connected {
        let answer = POTIONS.post_form("/api/disconnect_connection", &[("id", id)], &cookie)?;
        if !answer.head.contains("disconnected=1") {
            return Err(format!("disconnect failed: {}", answer.head));
        }
        let started = Instant::now();
        let answer = connect(&cookie, "bench", token)?;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        // A refused connect is quick: timing it would flatter the overhead.
        connected_id(&answer).ok_or("reconnect failed")?;
        let trip = fake_round_trip_ms(token)?;
        existing.push(took - 2.0 * trip);
        trips.push(trip);
    }
    set_latency(0)?;
    stop(potions);
    Ok(vec![
        Row::new(
            "Hetzner round trip, 50 ms injected, as measured (p50 of 50)",
            format!("{:.2} ms", median(trips)),
            "",
        ),
        Row::new(
            "Two Hetzner round trips at once, as measured (p50 of 50)",
            format!("{:.2} ms", median(pairs)),
            "",
        ),
        Row::new(
            "Connect overhead, fresh project (p50)",
            format!("{:.1} ms beyond two round trips at once", median(fresh)),
            "≤ 5 ms",
        ),
        Row::new(
            "Connect overhead, key already there (p50)",
            format!("{:.1} ms beyond two round trips", median(existing)),
            "≤ 5 ms",
        ),
    ])
}

/// The Dashboard with five projects at 50 ms each, on a cold count cache.
pub fn dashboard_fan_out(data: &Path) -> Result<Row> {
    say("Dashboard fan-out: 5 projects, 50 ms each, cold cache");
    let (potions, _) = start_potions(data)?;
    let cookie = sign_up("fanout@example.com")?;
    connect_projects(&cookie, "fanout", 5)?;
    stop(potions);
    set_latency(50)?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let (potions, _) = start_potions(data)?;
        let started = Instant::now();
        let status = POTIONS.get_page("/", &cookie)?.status;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        stop(potions);
        if status != 200 {
            return Err(format!("dashboard answered {status}"));
        }
    }
    set_latency(0)?;
    Ok(Row::new(
        "Dashboard, 5 projects × 50 ms, cold (median of 3)",
        format!("{:.1} ms", median(times)),
        "≤ 70 ms",
    ))
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
        .arg(POTIONS.url(path))
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

/// The signed-in Dashboard against the same bytes served statically by the
/// same router, at 16 and 64 connections; then the peak memory, and time to
/// interactive in headless Chromium while the server is up.
pub fn ssr_throughput_and_interactivity(root: &Path, data: &Path) -> Result<Vec<Row>> {
    say("SSR throughput: signed-in Dashboard with 3 projects, then the same bytes from a static file");
    let (potions, _) = start_potions(data)?;
    let pid = potions.id();
    let cookie = sign_up("ssr@example.com")?;
    connect_projects(&cookie, "ssr", 3)?;
    let page = POTIONS.get_page("/", &cookie)?.body;
    let static_copy = root.join("target/site/bench-dashboard.html");
    std::fs::write(&static_copy, &page).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for connections in [16, 64] {
        let (ssr_rps, ssr_p50, ssr_p99) = wrk("/", connections, &cookie)?;
        let (st_rps, st_p50, st_p99) = wrk("/bench-dashboard.html", connections, &cookie)?;
        rows.push(Row::new(
            &format!("SSR Dashboard, c={connections}"),
            format!("{ssr_rps:.0} req/s, p50 {ssr_p50:.2} ms, p99 {ssr_p99:.2} ms"),
            "",
        ));
        rows.push(Row::new(
            &format!("Static same bytes, c={connections}"),
            format!("{st_rps:.0} req/s, p50 {st_p50:.2} ms, p99 {st_p99:.2} ms"),
            "",
        ));
        rows.push(Row::new(
            &format!("SSR / static, c={connections}"),
            format!("{:.2} ({ssr_rps:.0} / {st_rps:.0})", ssr_rps / st_rps),
            "≥ 0.5",
        ));
    }
    // The floor: a page with no data of its own (sign-in, signed out), so
    // what is left is the framework's render and the request guards.
    let floor_page = POTIONS.get_page("/login", "")?.body;
    let floor_copy = root.join("target/site/bench-login.html");
    std::fs::write(&floor_copy, &floor_page).map_err(|e| e.to_string())?;
    let (floor_rps, floor_p50, _) = wrk("/login", 16, "")?;
    let (floor_st_rps, _, _) = wrk("/bench-login.html", 16, "")?;
    let _ = std::fs::remove_file(floor_copy);
    rows.push(Row::new(
        "Floor: SSR sign-in page (no data) / static, c=16",
        format!(
            "{:.2} ({floor_rps:.0} / {floor_st_rps:.0} req/s, SSR p50 {floor_p50:.2} ms)",
            floor_rps / floor_st_rps
        ),
        "reported",
    ));
    rows.push(Row::new(
        "Memory, peak during the SSR load (VmHWM)",
        format!("{:.1} MB", memory_kb(pid, "VmHWM:") as f64 / 1024.0),
        "≤ 100 MB",
    ));
    rows.push(time_to_interactive(root, &cookie)?);
    stop(potions);
    let _ = std::fs::remove_file(static_copy);
    Ok(rows)
}

/// Median of ten loads of the Dashboard in headless Chromium.
fn time_to_interactive(root: &Path, cookie: &str) -> Result<Row> {
    say("Time to interactive in headless Chromium (median of 10)");
    let tti = Command::new("node")
        .arg(root.join("end2end/bench/tti.mjs"))
        .arg(POTIONS.url("/"))
        .arg(cookie)
        .current_dir(root.join("end2end"))
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let text = String::from_utf8_lossy(&tti.stdout).trim().to_string();
    let value = if text.is_empty() {
        String::from_utf8_lossy(&tti.stderr)
            .lines()
            .last()
            .unwrap_or("failed")
            .to_string()
    } else {
        format!("{text} ms")
    };
    Ok(Row::new(
        "Time to interactive, Dashboard (median of 10)",
        value,
        "reported",
    ))
}

/// AES-256-GCM seal + open and Argon2id hash timings, from a release example.
pub fn secrets(root: &Path) -> Result<Vec<Row>> {
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
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(figure, value)| Row::new(figure, value.to_string(), "reported"))
        .collect())
}
