import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, register, screenshot, uid } from "./helpers";

test.describe("signing in and out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("pages and the API need a session", async ({ page }) => {
    await page.goto("/en/keys");
    await expect(page).toHaveURL(/\/en\/login\?callbackUrl=%2Fen%2Fkeys$/);
    // An address without its language gets the reader's (the browser's here), then the same sign-in.
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/en\/login\?callbackUrl=%2Fen%2Fsettings$/);
    const res = await page.request.get("/api/overview");
    expect(res.status()).toBe(401);
  });

  test("every dashboard page sends a signed-out reader to sign in, and back to it afterwards", async ({ page }) => {
    // Found on disk, so a page added later without the check fails here.
    const dir = path.join(process.cwd(), "app/[locale]/(app)");
    const pages = fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((file) => path.basename(file) === "page.tsx")
      .map((file) => `/en/${path.dirname(file)}`.replace(/\/\.$/, "").replace(/\[id\]/g, "some-service"));
    expect(pages.length).toBeGreaterThanOrEqual(6);
    for (const address of pages) {
      const res = await page.request.get(address, { maxRedirects: 0 });
      expect(res.status(), address).toBe(307);
      expect(res.headers().location, address).toBe(`/en/login?callbackUrl=${encodeURIComponent(address)}`);
    }
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
    // The language read last is remembered for addresses without one (the browser itself asks for English).
    await expect.poll(async () => (await page.context().cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("th");
    await page.goto("/");
    await expect(page).toHaveURL(/\/th\/login\?callbackUrl=%2Fth$/);
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
