import { expect, test } from "@playwright/test";
import { FAKE_HETZNER } from "../playwright.config";
import { fakeProject, hydrated, signUp } from "../tests/helpers";

// Draws docs/images/*.png for the README and docs; not part of the test run.
const IMAGES = "../docs/images";

test("the Connect page and the Dashboard with a connected project", async ({ page, request }) => {
  const project = await fakeProject(request, "screenshots");
  for (const [name, serverType, location] of [["web-1", "cx22", "fsn1"], ["db-1", "ccx13", "fsn1"]]) {
    const res = await request.post(`${FAKE_HETZNER}/v1/servers`, {
      headers: { Authorization: `Bearer ${project.read_write_token}` },
      data: { name, server_type: serverType, location, image: "ubuntu-24.04" },
    });
    expect(res.status()).toBe(201);
  }
  // `cargo xtask screenshots` starts on an empty database, so one fixed account suffices.
  await signUp(page, "ada.lovelace@example.com");

  await page.goto("/connect/hetzner");
  await hydrated(page);
  await page.getByLabel("Label").fill("Production");
  await page.screenshot({ path: `${IMAGES}/connect-hetzner.png`, fullPage: true });

  await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page).toHaveURL(/\/\?connected=/);
  const row = page.getByTestId("project").filter({ hasText: "Production" });
  await expect(row).toContainText("2 servers");
  await page.screenshot({ path: `${IMAGES}/dashboard.png`, fullPage: true });
});
