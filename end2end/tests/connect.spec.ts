import { expect, test } from "@playwright/test";
import { expectAccessible, fakeProject, fakeProjectState, hydrated, signUp, uniqueEmail } from "./helpers";

test("connect a Hetzner project as the doc page describes, then disconnect it", async ({ page, request }) => {
  const project = await fakeProject(request, "doc");
  await signUp(page, uniqueEmail());

  // A first-time user sees what to do.
  await expect(page.getByText("Don't have a Hetzner account yet?")).toBeVisible();
  await expect(page.getByRole("link", { name: "Connect DigitalOcean" })).toBeVisible();
  await expectAccessible(page);

  // From the Dashboard, click Connect next to Hetzner Cloud.
  await page.getByRole("link", { name: "Connect Hetzner Cloud" }).click();
  await expect(page).toHaveURL("/connect/hetzner");
  await expect(page.getByRole("link", { name: "Hetzner Cloud Console" }))
    .toHaveAttribute("href", "https://console.hetzner.cloud/");
  await hydrated(page);
  await expectAccessible(page);

  await page.getByLabel("Label").fill("Production");
  await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();

  await expect(page).toHaveURL(/\/\?connected=/);
  await expect(page.getByRole("status").filter({ hasText: "Connected \u201cProduction\u201d" })).toBeVisible();
  const row = page.getByTestId("project").filter({ hasText: "Production" });
  await expect(row).toContainText("0 servers");
  await expect(row).toContainText("Connected");
  await expectAccessible(page);

  // Account → Providers lists it; Disconnect asks first and says what it does.
  await page.getByRole("link", { name: /^Account/ }).click();
  await expect(page).toHaveURL("/account");
  const connection = page.getByTestId("connection").filter({ hasText: "Production" });
  await expect(connection).toContainText("Hetzner Cloud");
  await expectAccessible(page);
  await connection.getByRole("link", { name: "Disconnect" }).click();
  await expect(page.getByRole("heading", { name: "Disconnect \u201cProduction\u201d?" })).toBeVisible();
  await expect(page.getByText("Servers that were already created keep running on Hetzner")).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Disconnect" }).click();

  await expect(page).toHaveURL("/account?disconnected=1");
  await expect(page.getByTestId("connection")).toHaveCount(0);
  await expect(page.getByText("No providers connected.")).toBeVisible();

  // Hetzner was left alone: the Potions SSH key is still in the project.
  const state = await fakeProjectState(request, project.name);
  expect(state.ssh_keys).toHaveLength(1);
  expect(state.ssh_keys[0].labels["managed-by"]).toBe("potions");
});

test("a Read-only token and a wrong token each say why", async ({ page, request }) => {
  const project = await fakeProject(request, "errors");
  await signUp(page, uniqueEmail("errors"));
  await page.goto("/connect/hetzner");
  await hydrated(page);

  await page.getByLabel("API Token", { exact: true }).fill(project.read_only_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page.getByRole("alert"))
    .toContainText("This token is Read-only. Potions needs Read & Write to create servers");

  await page.getByLabel("API Token", { exact: true }).fill("Z".repeat(64));
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page.getByRole("alert"))
    .toContainText("Hetzner rejected this token. Make sure it has Read & Write permissions");

  await page.getByLabel("API Token", { exact: true }).fill("too-short");
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page.getByRole("alert")).toContainText("That doesn't look like a Hetzner API token.");
  await expectAccessible(page);
});

test.describe("without JavaScript", () => {
  test("the connect form works", async ({ browser, request }) => {
    const project = await fakeProject(request, "nojs");
    const withJs = await (await browser.newContext({ javaScriptEnabled: true })).newPage();
    const email = uniqueEmail("nojs-connect");
    await signUp(withJs, email);
    const cookies = await withJs.context().cookies();
    await withJs.close();

    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto("/connect/hetzner");
    await page.getByLabel("API Token", { exact: true }).fill(project.read_only_token);
    await page.getByRole("button", { name: "Connect Hetzner" }).click();
    await expect(page.getByRole("alert")).toContainText("This token is Read-only.");

    await page.getByLabel("Label").fill("No script");
    await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
    await page.getByRole("button", { name: "Connect Hetzner" }).click();
    await expect(page).toHaveURL(/\/\?connected=/);
    await expect(page.getByTestId("project").filter({ hasText: "No script" })).toBeVisible();
    await context.close();
  });
});
