import { expect, test } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { PASSWORD, enterPassword, expectAccessible, hydrated, signUp, uniqueEmail } from "./helpers";

// WebAuthn needs a domain: Chromium refuses 127.0.0.1, so these pages are
// opened at localhost (Potions names its relying party `localhost` when it
// listens on a loopback address).
test.use({ baseURL: BASE_URL.replace("127.0.0.1", "localhost") });

test("add a passkey, then sign in with password and passkey", async ({ page }) => {
  test.setTimeout(60_000);
  // The virtual authenticator is attached before any page calls WebAuthn.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      ctap2Version: "ctap2_1",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  const email = uniqueEmail("passkey");
  await signUp(page, email);
  await page.goto("/account/security");
  await hydrated(page);
  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await expect(passkeys.getByTestId("no-passkeys")).toBeVisible();
  await expectAccessible(page);

  await passkeys.getByLabel("Name", { exact: true }).fill("Virtual key");
  await passkeys.getByLabel("Your password").fill(PASSWORD);
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  // The first second factor brings the recovery codes, shown once.
  await expect(page.getByTestId("recovery-codes").locator("code")).toHaveCount(10);
  await expect(passkeys.getByRole("list", { name: "Your passkeys" })).toContainText("Virtual key");
  await expect(page.getByRole("button", { name: "Sign out everywhere else" })).toBeVisible();
  // The form is empty again: neither the name nor the password stays on the page.
  await expect(page.locator("#passkey-name")).toHaveValue("");
  await expect(page.locator("#passkey-password")).toHaveValue("");
  await expectAccessible(page);

  // Each listed passkey has its own actions.
  const listed = (name: string) => passkeys.getByRole("listitem").filter({ hasText: name });
  await listed("Virtual key").locator("summary", { hasText: "Rename" }).click();
  await listed("Virtual key").getByLabel("New name").fill("Work key");
  await listed("Virtual key").getByRole("button", { name: "Save name" }).click();
  await expect(passkeys.getByRole("list", { name: "Your passkeys" })).toContainText("Work key");
  await expectAccessible(page);
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);

  await page.goto("/account");
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await enterPassword(page, email);
  await expect(page).toHaveURL(/\/login\/verify/);
  await hydrated(page);
  await expect(page.getByText("Or enter one of your recovery codes.")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  await page.goto("/account/sessions");
  await expect(page.getByText("with password and passkey")).toBeVisible();
  const used = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(used.credentials[0].signCount).toBeGreaterThan(0);

  await page.goto("/account/security");
  await hydrated(page);
  const again = page.getByRole("region", { name: "Passkeys" });
  const work = again.getByRole("listitem").filter({ hasText: "Work key" });
  await work.locator("summary", { hasText: "Remove" }).click();
  await work.getByLabel("Your password").fill(PASSWORD);
  await work.getByRole("button", { name: "Remove passkey" }).click();
  await expect(again.getByTestId("no-passkeys")).toBeVisible();
});
