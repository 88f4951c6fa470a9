import { expect, test } from "@playwright/test";
import { hydrated, signUp, uniqueEmail } from "./helpers";

// Each page is a lazy chunk of the WebAssembly: the Dashboard downloads its
// own code, not the other pages', and a page's chunk arrives when it is
// first shown.
test("the Dashboard loads only its own page's code", async ({ page }) => {
  await signUp(page, uniqueEmail("bundle"));
  const chunks: string[] = [];
  page.on("request", (req) => {
    const name = new URL(req.url()).pathname.split("/").pop() ?? "";
    if (name.startsWith("split___")) chunks.push(name);
  });
  await page.reload();
  await hydrated(page);
  expect(chunks.some((c) => c.startsWith("split___dashboard_view_"))).toBeTruthy();
  expect(chunks.filter((c) => !c.startsWith("split___dashboard_view_"))).toEqual([]);

  await page.getByRole("link", { name: "Connect Hetzner Cloud" }).click();
  await expect(page).toHaveURL("/connect/hetzner");
  await expect(page.getByLabel("API Token", { exact: true })).toBeVisible();
  expect(chunks.some((c) => c.startsWith("split___connect_hetzner_view_"))).toBeTruthy();
  expect(chunks.some((c) => c.startsWith("split___project_view_"))).toBeFalsy();
});
