import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, register, screenshot, uid } from "./helpers";

test.describe("signing in and out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("pages and the API need a session", async ({ page }) => {
    await page.goto("/en/keys");
    await expect(page).toHaveURL(/\/en\/login\?callbackUrl=%2Fen%2Fkeys$/);
    const res = await page.request.get("/api/overview");
    expect(res.status()).toBe(401);
  });

  test("a wrong password is refused, the right one lets you in, sign out ends the session", async ({ page }) => {
    await page.goto("/en/login");
    await expectAccessible(page);
    await screenshot(page, "login-en");
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Wrong user name or password.")).toBeVisible();
    await expect(page).toHaveURL(/\/en\/login/);

    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/en$/);
    expect((await page.request.get("/api/overview")).status()).toBe(200);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/en\/login/);
    expect((await page.request.get("/api/overview")).status()).toBe(401);
    await page.goto("/en");
    await expect(page).toHaveURL(/\/en\/login/);
  });

  test("the sign-in page in Thai", async ({ page }) => {
    await page.goto("/th/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "th");
    await expect(page.getByRole("button", { name: "เข้าสู่ระบบ" })).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "login-th");
  });

  test("after the page you wanted, sign-in takes you back there", async ({ page }) => {
    await page.goto("/en/settings");
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/en\/settings$/);
  });

  test("a monitor link opened without a session leads through sign-in to the service", async ({ page }) => {
    const id = uid("deep");
    await register(id, "Deep-linked job");
    await page.goto(`/?service=${id}`);
    await expect(page).toHaveURL(/\/en\/login\?callbackUrl=/);
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`/en/services/${id}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Deep-linked job" })).toBeVisible();
  });
});
