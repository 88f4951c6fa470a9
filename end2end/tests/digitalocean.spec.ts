import { Browser, expect, Page, test } from "@playwright/test";
import { expectAccessible, hydrated, signUp, uniqueEmail } from "./helpers";

const SAMMY = { email: "sammy@example.com", password: "shark-e2e-password" };

/** On the fake DigitalOcean's consent page: sign in, pick a team, then Authorize or Deny. */
async function consent(page: Page, team: string, decision: "Authorize application" | "Deny"): Promise<void> {
  await expect(page.getByRole("heading", { name: "Sign in to DigitalOcean" })).toBeVisible();
  await page.getByLabel("Email").fill(SAMMY.email);
  await page.getByLabel("Password").fill(SAMMY.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel(team).check();
  await page.getByRole("button", { name: decision }).click();
}

test("connect a DigitalOcean team by OAuth, create a droplet, then disconnect", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page, uniqueEmail("do"));
  await page.getByRole("link", { name: "Connect DigitalOcean" }).click();
  await expect(page).toHaveURL("/connect/digitalocean");
  await expect(page.getByText("You choose the team Potions may use.")).toBeVisible();
  await expect(page.getByText("droplet:create droplet:read droplet:delete")).toBeVisible();
  await expect(page.getByText("Power, resize, rebuild and snapshot Droplets")).toBeVisible();
  await expect(page.getByText("snapshot:delete image:delete")).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);

  await page.getByLabel("Label").fill("Staging");
  await page.getByRole("button", { name: "Continue to DigitalOcean" }).click();
  await consent(page, "Acme Staging", "Authorize application");

  await expect(page).toHaveURL(/\/\?connected=/);
  await expect(page.getByRole("status").filter({ hasText: "Connected \u201cStaging\u201d" })).toBeVisible();
  const row = page.getByTestId("project").filter({ hasText: "Staging" });
  await expect(row).toContainText("DigitalOcean");
  await expect(row).toContainText("0 servers");
  await expectAccessible(page);

  // A droplet: regions, sizes in dollars and the images of the region, then the progress bar.
  await row.getByRole("link", { name: "Staging" }).click();
  await expect(page.getByRole("heading", { name: "Staging", level: 1 })).toBeVisible();
  await hydrated(page);
  // DigitalOcean's own words: regions and sizes.
  await page.getByLabel("Region").selectOption("sfo3");
  await expect(page.getByLabel("Size")).toContainText("$6.00/month");
  await expect(page.getByLabel("Image")).not.toContainText("Fedora");
  await page.getByLabel("Region").selectOption("fra1");
  await expect(page.getByLabel("Image")).toContainText("Fedora");
  await expectAccessible(page);
  await page.getByLabel("Name").fill("e2e-droplet-1");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page).toHaveURL(/watch=/);
  await expect(page.locator("progress")).toBeVisible();
  await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 20_000 });
  const droplet = page.getByTestId("server").filter({ hasText: "e2e-droplet-1" });
  await expect(droplet).toContainText("active");
  await expect(droplet).toContainText(/\d+\.\d+\.\d+\.\d+/);
  await expect(droplet).toContainText("Potions");
  // At 1280 px the table stays inside its card (scrolling there if it must).
  await page.setViewportSize({ width: 1280, height: 800 });
  const card = await page.locator("section.card", { has: page.getByTestId("server") }).boundingBox();
  const scroller = await page.locator(".table-scroll").boundingBox();
  expect(card && scroller && scroller.x + scroller.width <= card.x + card.width).toBeTruthy();

  await page.getByRole("link", { name: /^Account/ }).click();
  const connection = page.getByTestId("connection").filter({ hasText: "Staging" });
  await expect(connection).toContainText("Acme Staging");
  await expectAccessible(page);
  await connection.getByRole("link", { name: "Disconnect" }).click();
  await expect(page.getByText("Potions revokes its access at DigitalOcean first")).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Disconnect" }).click();
  await expect(page).toHaveURL("/account?disconnected=1");
  await expect(page.getByTestId("connection")).toHaveCount(0);
});

test("denying at DigitalOcean connects nothing and says so", async ({ page }) => {
  await signUp(page, uniqueEmail("do-deny"));
  await page.goto("/connect/digitalocean");
  await hydrated(page);
  await page.getByRole("button", { name: "Continue to DigitalOcean" }).click();
  await consent(page, "Sammy's team", "Deny");
  await expect(page).toHaveURL("/connect/digitalocean?outcome=denied");
  await expect(page.getByRole("alert")).toContainText("You didn't give Potions access on DigitalOcean");
  await expectAccessible(page);
  await page.goto("/");
  await expect(page.getByTestId("project")).toHaveCount(0);
});

async function withoutJavaScript(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

test("the whole flow works without JavaScript", async ({ browser }) => {
  const page = await withoutJavaScript(browser);
  await page.goto("/signup");
  await page.getByLabel("Email").fill(uniqueEmail("do-nojs"));
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/connect/digitalocean");
  await page.getByRole("button", { name: "Continue to DigitalOcean" }).click();
  await consent(page, "Sammy's team", "Authorize application");
  await expect(page).toHaveURL(/\/\?connected=/);
  await expect(page.getByTestId("project").filter({ hasText: "Sammy's team" })).toContainText("DigitalOcean");
  await page.context().close();
});
