import { expect, test } from "@playwright/test";
import { PASSWORD, enterPassword, expectAccessible, hydrated, signUp, uniqueEmail } from "./helpers";

test("sign up, visit Account through the avatar, sign out, sign in again", async ({ page }) => {
  const email = uniqueEmail();
  await signUp(page, email);

  const avatar = page.getByRole("link", { name: `Account (${email})` });
  await expect(avatar).toHaveText("AL");
  await avatar.click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/login");

  await page.goto("/account");
  await expect(page).toHaveURL("/login?next=%2Faccount");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByTestId("account-email")).toHaveText(email);
});

test("a wrong password reads the same as an unknown email", async ({ page }) => {
  const email = uniqueEmail("grace");
  await signUp(page, email);
  await page.getByRole("link", { name: /Account/ }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/login");
  await hydrated(page);

  for (const [who, password] of [[email, "wrong password"], [uniqueEmail("nobody"), PASSWORD]]) {
    await page.getByLabel("Email").fill(who);
    await page.getByLabel("Password").fill(password);
    // Each attempt's own answer, not the alert the previous one left.
    const answered = page.waitForResponse((r) => r.url().includes("/api/sign_in"));
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await (await answered).text()).toContain("InvalidCredentials");
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  }
});

test.describe("without JavaScript", () => {
  test("the sign-in form works and shows its errors", async ({ browser }) => {
    // The account is made with JavaScript on; only the sign-in runs without.
    const withJs = await (await browser.newContext({ javaScriptEnabled: true })).newPage();
    const email = uniqueEmail("nojs");
    await signUp(withJs, email);
    await withJs.close();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/account");
    await expect(page).toHaveURL("/login?next=%2Faccount");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL("/account");
    await expect(page.getByTestId("account-email")).toHaveText(email);
    await context.close();
  });
});

test("a browser signed out from Sessions in another is signed out", async ({ browser, page }) => {
  const email = uniqueEmail("sessions");
  await signUp(page, email);
  const laptop = await browser.newContext({ userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" });
  const other = await laptop.newPage();
  await enterPassword(other, email);
  await expect(other).toHaveURL("/");

  await page.goto("/account");
  await page.getByRole("link", { name: "Sessions", exact: true }).click();
  await expect(page).toHaveURL("/account/sessions");
  await hydrated(page);
  await expect(page.getByTestId("session")).toHaveCount(2);
  await expect(page.getByTestId("session").filter({ hasText: "This browser" })).toHaveCount(1);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Sign out Firefox on Linux" }).click();
  await expect(page.getByTestId("session")).toHaveCount(1);

  await other.goto("/account");
  await expect(other).toHaveURL("/login?next=%2Faccount");
  await laptop.close();
});

test("every page passes axe-core", async ({ page }) => {
  for (const path of ["/login", "/signup", "/no/such/page"]) {
    await page.goto(path);
    await hydrated(page);
    await expectAccessible(page);
  }
  await signUp(page, uniqueEmail("axe"));
  for (const path of ["/", "/account"]) {
    await page.goto(path);
    await hydrated(page);
    await expectAccessible(page);
  }
});
