import { defineConfig } from "@playwright/test";

// The server on a fresh SQLite database in target/e2e-data
// (`cargo xtask test` empties it first), on a port of its own.
const PORT = 3100;
export const BASE_URL = `http://127.0.0.1:${PORT}`;
/** The fake Hetzner Cloud API the server talks to; tests drive its admin API. */
export const FAKE_HETZNER = "http://127.0.0.1:4110";
/** The fake DigitalOcean (OAuth host and API), seeded from digitalocean-seed.json. */
export const FAKE_DIGITALOCEAN = "http://127.0.0.1:4120";
/** Where the server and the fakes were built: `cargo xtask test` builds them in the dev profile. */
const BIN = process.env.POTIONS_BIN_DIR ?? "../target/release";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    headless: true,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      command: `${BIN}/hetzner-fake --port 4110 --provisioning-secs 3`,
      // Ready when /v1 answers; 401 without a token counts as ready.
      url: `${FAKE_HETZNER}/v1/servers`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `${BIN}/digitalocean-fake --port 4120 --provisioning-secs 3 --seed digitalocean-seed.json`,
      // Ready when /v2 answers; 401 without a token counts as ready.
      url: `${FAKE_DIGITALOCEAN}/v2/account`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `${BIN}/potions`,
      url: `${BASE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        POTIONS_LISTEN: `127.0.0.1:${PORT}`,
        POTIONS_DATA_DIR: "../target/e2e-data",
        LEPTOS_SITE_ROOT: "../target/site",
        POTIONS_HETZNER_API_URL: `${FAKE_HETZNER}/v1`,
        POTIONS_HETZNER_TIMEOUT_SECS: "3",
        POTIONS_DIGITALOCEAN_CLIENT_ID: "potions-e2e-client-id",
        POTIONS_DIGITALOCEAN_CLIENT_SECRET: "potions-e2e-client-secret",
        POTIONS_DIGITALOCEAN_API_URL: FAKE_DIGITALOCEAN,
        POTIONS_DIGITALOCEAN_OAUTH_URL: `${FAKE_DIGITALOCEAN}/v1/oauth`,
      },
    },
  ],
});
