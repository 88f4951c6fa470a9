#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! The fake DigitalOcean over HTTP: the OAuth dance, API v2, and the
//! fake's description held against DigitalOcean's own. Every API answer is
//! checked against the OpenAPI description when each fake is dropped.

mod api;
mod description;
mod oauth;
mod sdk;
mod support;
