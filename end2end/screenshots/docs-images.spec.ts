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

test("a server's snapshots and schedule, and the project's Snapshots page", async ({ page, request }) => {
  const project = await fakeProject(request, "screenshots-snapshots");
  const res = await request.post(`${FAKE_HETZNER}/v1/servers`, {
    headers: { Authorization: `Bearer ${project.read_write_token}` },
    data: { name: "db-1", server_type: "ccx13", location: "fsn1", image: "ubuntu-24.04" },
  });
  expect(res.status()).toBe(201);
  // A snapshot waits for the server to be running (the fake takes 3 s).
  const id = (await res.json()).server.id;
  await expect
    .poll(
      async () => {
        const server = await request.get(`${FAKE_HETZNER}/v1/servers/${id}`, {
          headers: { Authorization: `Bearer ${project.read_write_token}` },
        });
        return (await server.json()).server.status;
      },
      { timeout: 20_000 },
    )
    .toBe("running");
  await signUp(page, "grace.hopper@example.com");
  await page.goto("/connect/hetzner");
  await hydrated(page);
  await page.getByLabel("Label").fill("Production");
  await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page).toHaveURL(/\/\?connected=/);
  await page.getByRole("link", { name: "Production", exact: true }).click();
  await page.getByRole("link", { name: "db-1", exact: true }).click();
  await hydrated(page);

  const snapshots = page.getByRole("region", { name: "Snapshots" });
  await snapshots.getByLabel("Name").fill("before the upgrade");
  await snapshots.getByRole("button", { name: "Take a snapshot now" }).click();
  await expect(page.getByText("The snapshot is ready.")).toBeVisible({ timeout: 20_000 });
  const schedule = page.getByRole("region", { name: "Snapshot schedule" });
  await schedule.getByLabel("At (UTC)").selectOption({ label: "03:00" });
  await schedule.getByLabel("Snapshots to keep").fill("7");
  await schedule.getByRole("button", { name: "Start the schedule" }).click();
  await expect(schedule.getByTestId("schedule-next")).toBeVisible();
  await snapshots.scrollIntoViewIfNeeded();
  await page.setViewportSize({ width: 1100, height: 1400 });
  await snapshots.screenshot({ path: `${IMAGES}/server-snapshots.png` });
  await schedule.screenshot({ path: `${IMAGES}/snapshot-schedule.png` });

  await page.getByRole("link", { name: /^Back to / }).click();
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Snapshots" }).click();
  await hydrated(page);
  await expect(page.getByTestId("snapshot")).toHaveCount(1);
  await page.screenshot({ path: `${IMAGES}/project-snapshots.png`, fullPage: true });
});
