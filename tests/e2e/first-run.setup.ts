import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN_STATE } from "../../playwright.config";
import { ADMIN, expectAccessible, screenshot } from "./helpers";

// The very first visit: no user exists, so every page leads to the setup page, which creates the admin.
test("first run: the setup page creates the admin and signs in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/en\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to LaneSwap" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "setup-en");

  await page.getByLabel("User name").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Password again").fill("something else");
  await page.getByRole("button", { name: "Create the administrator" }).click();
  await expect(page.getByText("The two passwords differ.")).toBeVisible();

  await page.getByLabel("Password again").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create the administrator" }).click();
  await expect(page).toHaveURL(/\/en$/);
  await expect(page.getByRole("link", { name: "Services" })).toBeVisible();
  // A fresh install has no services yet, and says how to add one.
  await expect(page.getByText("No services yet")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "overview-empty-en");

  // Setup is closed once an admin exists.
  const again = await page.request.post("/api/setup", { data: { username: "intruder", password: "whatever123" } });
  expect(again.status()).toBe(409);
  await page.goto("/en/setup");
  await expect(page).toHaveURL(/\/en(\/login)?$/);

  fs.mkdirSync(path.dirname(ADMIN_STATE), { recursive: true });
  await page.context().storageState({ path: ADMIN_STATE });
});
