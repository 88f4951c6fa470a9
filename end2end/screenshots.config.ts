import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `cargo xtask screenshots`: the same servers and fakes as the end-to-end
// tests, running only the specs that draw the README's and docs' images.
export default defineConfig({
  ...base,
  testDir: "./screenshots",
  use: { ...base.use, viewport: { width: 1280, height: 800 }, colorScheme: "light" },
});
