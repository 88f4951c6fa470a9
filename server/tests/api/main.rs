#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! Potions over HTTP: one test binary (so the support code is compiled once
//! and shared), each module one area. Every test runs the real router on a
//! random port of 127.0.0.1 with its own fresh database and fake Hetzner.

#[macro_use]
mod support;

mod access;
mod accounts;
mod activity;
mod connect;
mod crash;
mod digitalocean;
mod droplets;
mod files_at_rest;
mod hostile_input;
mod keys;
mod misbehaving_hetzner;
mod passkeys;
mod precompressed;
mod project_snapshots;
mod provisioning;
mod request_safety;
mod reverse_proxy;
mod safety_net;
mod schedules;
mod second_factor;
mod server_changes;
mod server_page;
mod sessions;
mod sign_in_abuse;
mod snapshots;
mod token_leaks;
mod two_instances;
