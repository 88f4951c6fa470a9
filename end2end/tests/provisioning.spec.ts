import { expect, test } from "@playwright/test";
import { FAKE_HETZNER } from "../playwright.config";
import { expectAccessible, fakeProject, hydrated, PASSWORD, signUp, uniqueEmail } from "./helpers";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp ada@laptop";

test("create, watch and delete a server, manage SSH keys, then lose the token", async ({ page, request }) => {
  // A bound, not a measure: every action on the server page waits for the fake's 3 s.
  test.setTimeout(180_000);
  const project = await fakeProject(request, "prov");
  await signUp(page, uniqueEmail("prov"));
  await page.goto("/connect/hetzner");
  await hydrated(page);
  await page.getByLabel("Label").fill("Provisioning");
  await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page).toHaveURL(/\/\?connected=/);

  await page.getByRole("link", { name: "Provisioning" }).click();
  await expect(page.getByRole("heading", { name: "Provisioning", level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel("Server type")).toContainText("CX22");
  await expect(page.getByLabel("Server type")).toContainText("Recommended here");
  await expectAccessible(page);

  // The menus follow each other: an arm location offers arm types and images.
  await page.getByLabel("Location").selectOption("hel1");
  // CX22 is listed in hel1 but sold out there (`available: false`).
  await expect(page.getByLabel("Server type")).not.toContainText("CX22");
  await page.getByLabel("Server type").selectOption("cax11");
  await expect(page.getByLabel("Image")).toContainText("(arm)");
  await expect(page.getByLabel("Image")).not.toContainText("(x86)");

  await page.getByLabel("Name").fill("e2e-web-1");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page).toHaveURL(/watch=/);
  await expect(page.locator("progress")).toBeVisible();
  await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 20_000 });
  const row = page.getByTestId("server").filter({ hasText: "e2e-web-1" });
  await expect(row).toContainText("running");
  await expect(row).toContainText(/\d+\.\d+\.\d+\.\d+/);
  await expect(row).toContainText("::1");
  await expect(row).toContainText("Potions");

  // The progress survives a reload.
  await page.reload();
  await expect(page.getByText("The server is running.")).toBeVisible();

  // Its own page: what it is, and what Potions did to it.
  await row.getByRole("link", { name: "e2e-web-1", exact: true }).click();
  await expect(page.getByRole("heading", { name: "e2e-web-1", level: 1 })).toBeVisible();
  const details = page.getByTestId("server-details");
  await expect(details).toContainText("running");
  await expect(details).toContainText(/€\d+\.\d{2}\/month/);
  await expect(details).toContainText("managed-by=potions");
  await expect(page.getByTestId("activity").filter({ hasText: "Server created: e2e-web-1" })).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);
  // Reboot it and watch Hetzner's action to the end.
  await expect(page.getByRole("button", { name: "Power on" })).toHaveCount(0);
  await page.getByRole("button", { name: "Reboot" }).click();
  await expect(page).toHaveURL(/power=reboot&actions=/);
  await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("activity").filter({ hasText: "Server rebooted: e2e-web-1" })).toBeVisible();
  await expectAccessible(page);
  // Protection: on at once; off only with the server's name and the password.
  const protection = page.getByRole("region", { name: "Protection" });
  await protection.getByRole("button", { name: "Turn protection on" }).click();
  await expect(protection.getByLabel("Type e2e-web-1 to confirm")).toBeVisible();
  await expectAccessible(page);
  await protection.getByLabel("Type e2e-web-1 to confirm").fill("e2e-web-2");
  await protection.getByLabel("Your password").fill(PASSWORD);
  await protection.getByRole("button", { name: "Turn protection off" }).click();
  await expect(protection.getByRole("alert")).toContainText("name");
  await protection.getByLabel("Type e2e-web-1 to confirm").fill("e2e-web-1");
  await protection.getByRole("button", { name: "Turn protection off" }).click();
  await expect(protection.getByRole("button", { name: "Turn protection on" })).toBeVisible();
  // Resize: only with the server off, which the card offers to do first.
  const resize = page.getByRole("region", { name: "Resize" });
  await resize.getByRole("button", { name: "Shut down first" }).click();
  await expect(page).toHaveURL(/power=shut_down&actions=/);
  await expect(page.getByText("The server is off.")).toBeVisible({ timeout: 20_000 });
  // Only arm types sold in hel1 whose disk holds this one's, with the difference in price.
  await expect(resize.getByLabel("New server type")).toContainText(/CAX21 .* \(\+€\d+\.\d{2}\/month\)/);
  await expect(resize.getByLabel("New server type")).not.toContainText("CX22");
  await expectAccessible(page);
  await resize.getByLabel("Grow the disk too").check();
  // The safety net is on by default; its own tests are in the HTTP suite.
  await expect(resize.getByLabel("Take a snapshot first")).toBeChecked();
  await resize.getByLabel("Take a snapshot first").uncheck();
  await resize.getByRole("button", { name: "Resize" }).click();
  await expect(page).toHaveURL(/resized=1&actions=/);
  await expect(page.getByText("Resized.")).toBeVisible({ timeout: 20_000 });
  await expect(details).toContainText("cax21");
  await expect(page.getByTestId("activity").filter({ hasText: "Server resized: e2e-web-1" })).toBeVisible();
  // Backups: on with their price; off asks again.
  const backups = page.getByRole("region", { name: "Backups" });
  await expect(backups).toContainText("20 % of the server's price");
  await backups.getByRole("button", { name: "Turn backups on" }).click();
  await expect(backups).toContainText("deletes every backup Hetzner holds");
  await backups.getByLabel("Type e2e-web-1 to confirm").fill("e2e-web-1");
  await backups.getByLabel("Your password").fill(PASSWORD);
  await backups.getByRole("button", { name: "Turn backups off" }).click();
  await expect(backups.getByRole("button", { name: "Turn backups on" })).toBeVisible();
  // A snapshot now: followed, then listed as Potions'.
  const snapshots = page.getByRole("region", { name: "Snapshots" });
  await expect(snapshots).toContainText("No snapshot of this server yet");
  await snapshots.getByLabel("Name").fill("e2e-before-upgrade");
  await snapshots.getByRole("button", { name: "Take a snapshot now" }).click();
  await expect(page).toHaveURL(/snapshot=1&actions=/);
  await expect(page.getByText("The snapshot is ready.")).toBeVisible({ timeout: 20_000 });
  const snapshot = snapshots.getByTestId("snapshot").filter({ hasText: "e2e-before-upgrade" });
  await expect(snapshot).toContainText("Potions");
  await expect(snapshot).toContainText(/\d+\.\d{2} GB/);
  await expectAccessible(page);
  // Drawn afresh: after the list is drawn again in the browser, Chromium has
  // been seen to lose this form's password input (see the issue note).
  await page.goto(page.url().split("?")[0]);
  await hydrated(page);
  await snapshots.getByText("Delete a snapshot").click();
  await snapshots.getByLabel("Snapshot to delete").selectOption({ label: "e2e-before-upgrade" });
  await snapshots.getByLabel("Type the snapshot's name to confirm").fill("e2e-before-upgrade");
  await snapshots.getByLabel("Your password").fill(PASSWORD);
  await snapshots.getByRole("button", { name: "Delete snapshot" }).click();
  await expect(snapshots.getByTestId("snapshot")).toHaveCount(0);
  // A schedule: weekly at an hour (UTC), its next run shown.
  const schedule = page.getByRole("region", { name: "Snapshot schedule" });
  await schedule.getByLabel("How often").selectOption({ label: "Every Sunday" });
  await schedule.getByLabel("At (UTC)").selectOption({ label: "04:00" });
  await schedule.getByLabel("Snapshots to keep").fill("3");
  await schedule.getByRole("button", { name: "Start the schedule" }).click();
  await expect(schedule.getByTestId("schedule-summary")).toHaveText("Every Sunday at 04:00 UTC, keeping 3");
  await expect(schedule.getByTestId("schedule-next")).toHaveText(/^Next run: \d+ \w{3} \d{4}, 04:00 UTC$/);
  await expect(schedule.getByRole("button", { name: "Save the schedule" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: /^Back to / }).click();
  await expect(row).toBeVisible();

  // SSH keys: add one, see the duplicate answer, delete it.
  await page.getByRole("link", { name: "SSH keys" }).click();
  await hydrated(page);
  // Reached by a client-side navigation: the page is settled once its keys are listed
  // (a form filled before that can be rendered afresh, and its fields emptied).
  await expect(page.getByTestId("ssh-key").first()).toBeVisible();
  await page.getByLabel("Name").fill("laptop");
  await page.getByLabel("OpenSSH public key").fill(KEY);
  await page.getByRole("button", { name: "Add key" }).click();
  const laptop = page.getByTestId("ssh-key").filter({ hasText: "laptop" });
  await expect(laptop).toBeVisible();
  // The same key again, under another name: shown as already there, not added twice.
  await page.getByLabel("Name").fill("laptop-again");
  await page.getByLabel("OpenSSH public key").fill(KEY);
  await page.getByRole("button", { name: "Add key" }).click();
  const alreadyThere = page.getByRole("status").filter({ hasText: "already in the project" });
  await expect(alreadyThere).toContainText("already in the project as \u201claptop\u201d");
  await expect(page.getByTestId("ssh-key").filter({ hasText: "laptop-again" })).toHaveCount(0);
  await expectAccessible(page);
  await laptop.getByRole("button", { name: "Delete key laptop" }).click();
  await expect(laptop).toHaveCount(0);

  // Delete the server, confirming its name.
  await page.getByRole("link", { name: "Back to the project" }).click();
  await page.getByRole("link", { name: "Delete e2e-web-1" }).click();
  await hydrated(page);
  await expectAccessible(page);
  await page.getByLabel(/Type the server's name/).fill("e2e-web-1");
  await page.getByLabel("Take a snapshot first").uncheck();
  await page.getByRole("button", { name: "Delete server" }).click();
  await expect(page).toHaveURL(/deleted=e2e-web-1/);
  await expect(page.getByTestId("server")).toHaveCount(0);

  // Both changes are in the activity log, with Hetzner's correlation id.
  const didHere = page.getByRole("region", { name: "What Potions did here" });
  await expect(didHere.getByTestId("activity").filter({ hasText: "Server deleted: e2e-web-1" })).toBeVisible();
  await page.goto("/account/activity?area=cloud");
  await hydrated(page);
  for (const change of ["Server created: e2e-web-1", "Server deleted: e2e-web-1"]) {
    const entry = page.getByTestId("activity").filter({ hasText: change });
    await expect(entry).toContainText("Done");
    await expect(entry).toContainText(/provider request \S+/);
  }
  await expectAccessible(page);
  await page.goBack();

  // The token is deleted in the console: the project needs attention.
  const revoked = await request.delete(`${FAKE_HETZNER}/_admin/tokens/${project.read_write_token}`);
  expect(revoked.status()).toBe(204);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Needs attention" })).toBeVisible();
  await expect(page.getByLabel("Replacement API token")).toBeVisible();
});

test.describe("without JavaScript", () => {
  test("create a server and reboot it, each followed to the end", async ({ browser, request }) => {
    test.setTimeout(90_000);
    const project = await fakeProject(request, "nojs-prov");
    const withJs = await (await browser.newContext({ javaScriptEnabled: true })).newPage();
    await signUp(withJs, uniqueEmail("nojs-prov"));
    const cookies = await withJs.context().cookies();
    await withJs.close();

    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto("/connect/hetzner");
    await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
    await page.getByRole("button", { name: "Connect Hetzner" }).click();
    await page.getByTestId("project").getByRole("link").first().click();
    await page.getByLabel("Name").fill("nojs-web-1");
    await page.getByRole("button", { name: "Create server" }).click();
    await expect(page).toHaveURL(/watch=/);
    // The page reloads itself while Hetzner works, and says when it is done.
    await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 30_000 });

    await page.getByRole("link", { name: "nojs-web-1", exact: true }).click();
    await page.getByRole("button", { name: "Reboot" }).click();
    await expect(page).toHaveURL(/power=reboot&actions=/);
    await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("activity").filter({ hasText: "Server rebooted: nojs-web-1" })).toBeVisible();
    await context.close();
  });
});
