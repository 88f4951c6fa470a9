import { expect, test } from "@playwright/test";
import { hydrated, signUp, uniqueEmail } from "./helpers";

// Every page but the Dashboard is a lazy chunk of the WebAssembly. The
// Dashboard, where signing in lands, is in the main module: it fetches no
// chunk at all, and another page's chunks arrive when it is first shown.
test("the Dashboard loads only the main module, other pages their own chunks", async ({ page }) => {
  await signUp(page, uniqueEmail("bundle"));
  const chunks: string[] = [];
  page.on("request", (req) => {
    const name = new URL(req.url()).pathname.split("/").pop() ?? "";
    if (name.endsWith(".wasm") && name !== "potions.wasm") chunks.push(name);
  });
  await page.reload();
  await hydrated(page);
  expect(chunks).toEqual([]);

  await page.getByRole("link", { name: "Connect Hetzner Cloud" }).click();
  await expect(page).toHaveURL("/connect/hetzner");
  await expect(page.getByLabel("API Token", { exact: true })).toBeVisible();
  expect(chunks.some((c) => c.startsWith("split___connect_hetzner_view_"))).toBeTruthy();
  expect(chunks.some((c) => c.startsWith("split___project_view_"))).toBeFalsy();
});
