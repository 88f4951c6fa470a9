import { APIRequestContext, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { FAKE_HETZNER } from "../playwright.config";

export const PASSWORD = "correct horse battery staple";

/** A fresh address per test, so tests never share an account. */
export function uniqueEmail(prefix = "ada.lovelace"): string {
  return `${prefix}+${Date.now()}${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Waits until the WebAssembly has hydrated the page; clicks before that are lost. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  // Right after hydration the title can be absent for a moment (seen once in
  // about twenty runs); a page that never gets one still fails here.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`)).toEqual([]);
}

export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
}

/** Enters the email and password on the sign-in page; where it leads is the caller's to check. */
export async function enterPassword(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export interface FakeProject {
  name: string;
  read_write_token: string;
  read_only_token: string;
}

/** A fresh project in the fake Hetzner, with its two tokens. */
export async function fakeProject(request: APIRequestContext, prefix: string): Promise<FakeProject> {
  const name = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const res = await request.post(`${FAKE_HETZNER}/_admin/projects`, { data: { name } });
  expect(res.status()).toBe(201);
  return (await res.json()) as FakeProject;
}

export interface FakeProjectState {
  servers: unknown[];
  ssh_keys: { labels: Record<string, string> }[];
}

export async function fakeProjectState(request: APIRequestContext, name: string): Promise<FakeProjectState> {
  const res = await request.get(`${FAKE_HETZNER}/_admin/projects/${name}`);
  expect(res.ok()).toBeTruthy();
  return res.json();
}
