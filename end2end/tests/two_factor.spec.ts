import { createHmac } from "node:crypto";
import { expect, Page, test } from "@playwright/test";
import { PASSWORD, enterPassword, expectAccessible, fakeProject, hydrated, signUp, uniqueEmail } from "./helpers";

/** RFC 4648 base32, as authenticator apps read the key. */
function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** RFC 6238 with SHA-1 and 6 digits, for the time step `step`. */
function totp(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hmac = createHmac("sha1", secret).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

const nowStep = (): number => Math.floor(Date.now() / 1000 / 30);

test("the TOTP helper matches RFC 6238", () => {
  const secret = Buffer.from("12345678901234567890");
  expect(totp(secret, Math.floor(59 / 30))).toBe("287082");
  expect(totp(secret, Math.floor(1111111109 / 30))).toBe("081804");
  expect(base32Decode("GEZDGNBVGY3TQOJQ").toString()).toBe("1234567890");
});

async function signInWithCode(page: Page, email: string, code: string): Promise<void> {
  await enterPassword(page, email);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.goto("/account");
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/login");
}

/** Turns on an authenticator from the Security page; answers its secret (the current step's code is used). */
async function turnOnAuthenticator(page: Page, checkAccessibility = false): Promise<Buffer> {
  const authenticator = page.getByRole("region", { name: "Two-factor sign-in" });
  await authenticator.getByLabel("Your password").fill(PASSWORD);
  await authenticator.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code of your two-factor secret" })).toBeVisible();
  if (checkAccessibility) {
    await expectAccessible(page);
  }
  const key = (await page.locator("ol.steps .copyable-value").textContent()) ?? "";
  const secret = base32Decode(key.trim());
  await page.getByLabel("Enter the 6-digit code the app shows").fill(totp(secret, nowStep()));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByTestId("recovery-codes").locator("code")).toHaveCount(10);
  return secret;
}

test("turn on two-factor sign-in, then sign in with a code and with a recovery code", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("totp");
  await signUp(page, email);
  await page.goto("/account");
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page).toHaveURL("/account/security");
  await hydrated(page);
  await expectAccessible(page);

  const secret = await turnOnAuthenticator(page, true);
  const codes = page.getByTestId("recovery-codes").locator("code");
  await expect(codes).toHaveCount(10);
  const recovery = await codes.allTextContents();
  await expect(page.getByText("Recovery codes left: 10 of 10.")).toBeVisible();
  // Right after the change, signing out every other browser is offered.
  await expect(page.getByRole("button", { name: "Sign out everywhere else" })).toBeVisible();
  await expectAccessible(page);

  // The code of the next step: the current one was used to turn it on.
  await signOut(page);
  await signInWithCode(page, email, totp(secret, nowStep() + 1));
  await expect(page).toHaveURL("/");

  await signOut(page);
  await signInWithCode(page, email, recovery[0]);
  await expect(page).toHaveURL("/");

  // The same recovery code again is refused.
  await signOut(page);
  await signInWithCode(page, email, recovery[0]);
  await expect(page.getByRole("alert")).toContainText("That code didn't work.");
  await expectAccessible(page);
  await page.getByLabel("Code").fill(recovery[1]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/account/security");
  await expect(page.getByText("Recovery codes left: 8 of 10.")).toBeVisible();
});

test("a rebuild asks for the server's name and a fresh authenticator code, then the name alone", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  await signUp(page, uniqueEmail("rebuild"));
  await page.goto("/account/security");
  await hydrated(page);
  const secret = await turnOnAuthenticator(page);
  const project = await fakeProject(request, "rebuild");
  await page.goto("/connect/hetzner");
  await hydrated(page);
  await page.getByLabel("Label").fill("Rebuilds");
  await page.getByLabel("API Token", { exact: true }).fill(project.read_write_token);
  await page.getByRole("button", { name: "Connect Hetzner" }).click();
  await expect(page).toHaveURL(/\/\?connected=/);
  await page.getByRole("link", { name: "Rebuilds" }).click();
  await hydrated(page);
  await expect(page.getByLabel("Server type")).toContainText("CX22");
  await page.getByLabel("Name").fill("e2e-rebuild");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("The server is running.")).toBeVisible({ timeout: 20_000 });
  await page.getByRole("link", { name: "e2e-rebuild", exact: true }).click();
  await expect(page.getByRole("heading", { name: "e2e-rebuild", level: 1 })).toBeVisible();
  await hydrated(page);

  // Signed in with the password alone: a code from the authenticator, not the password.
  const rebuild = page.getByRole("region", { name: "Rebuild" });
  await expect(rebuild.getByLabel("Your password")).toHaveCount(0);
  await rebuild.getByLabel("Image").selectOption({ label: "Debian 12" });
  await rebuild.getByLabel("Type e2e-rebuild to confirm").fill("e2e-rebuild");
  await rebuild.getByLabel("Authenticator code").fill(totp(secret, nowStep() + 1));
  await rebuild.getByLabel("Take a snapshot first").uncheck();
  await expectAccessible(page);
  await rebuild.getByRole("button", { name: "Rebuild" }).click();
  await expect(page).toHaveURL(/rebuilt=1&actions=/);
  await expect(page.getByText("Rebuilt.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("server-details")).toContainText("Debian 12");
  await expect(page.getByTestId("activity").filter({ hasText: "Server rebuilt: e2e-rebuild" })).toBeVisible();
  // Checked just now: for five minutes the name is enough.
  await expect(rebuild.getByText("Not needed now")).toBeVisible();
  await expectAccessible(page);
});
