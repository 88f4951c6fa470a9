import { expect, test } from "@playwright/test";
import { expectAccessible, fakeProject, hydrated, signUp, uniqueEmail } from "./helpers";

test("a snapshot is listed with its cost on the project's Snapshots page; a server is made from it", async ({
  page,
  request,
}) => {
  // A bound, not a measure: creating and snapshotting wait for the fake's 3 s each.
  test.setTimeout(120_000);
  const project = await fakeProject(request, "snap");
  await signUp(page, uniqueEmail("snap"));
  await page.goto("/connect/hetzner");
  await hydrated(page);
  await page.getByLabel("Label").fill("Golden");
  await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page).toHaveURL(/\/\?connected=/);

  await page.getByRole("link", { name: "Golden", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Golden", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Name").fill("e2e-snap-1");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 20_000 });

  // Taken on the server's page, followed, listed as Potions'.
  await page.getByRole("link", { name: "e2e-snap-1", exact: true }).click();
  await hydrated(page);
  const snapshots = page.getByRole("region", { name: "Snapshots" });
  await snapshots.getByLabel("Name").fill("e2e-golden");
  await snapshots.getByRole("button", { name: "Take a snapshot now" }).click();
  await expect(page.getByText("The snapshot is ready.")).toBeVisible({ timeout: 20_000 });
  await expect(snapshots.getByTestId("snapshot").filter({ hasText: "e2e-golden" })).toContainText(
    "Potions, by hand",
  );

  // The project's Snapshots page: where it came from and what it costs.
  await page.getByRole("link", { name: /^Back to / }).click();
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Snapshots" }).click();
  await expect(page.getByRole("heading", { name: "Snapshots", level: 1 })).toBeVisible();
  await hydrated(page);
  const golden = page.getByTestId("snapshot").filter({ hasText: "e2e-golden" });
  await expect(golden).toContainText("e2e-snap-1");
  await expect(golden).toContainText(/€\d+\.\d{2}\/month/);
  await expectAccessible(page);

  // A new server from it, offered in the create form beside the system images.
  await page.getByRole("link", { name: "Back to the project" }).click();
  await hydrated(page);
  const image = page.getByLabel("Image");
  const fromGolden = image.locator("option", { hasText: "Snapshot: e2e-golden" });
  await expect(fromGolden).toHaveCount(1);
  await image.selectOption((await fromGolden.getAttribute("value")) ?? "");
  await page.getByLabel("Name").fill("e2e-from-golden");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page).toHaveURL(/watch=/);
  await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("server").filter({ hasText: "e2e-from-golden" })).toContainText("running");
  await expectAccessible(page);
});
