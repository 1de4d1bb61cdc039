import { expect, test } from "@playwright/test";
import { startFakeDiscord } from "../helpers/fake-discord";
import { api, expectAccessible, screenshot, uid } from "./helpers";

test("create an API key, see it once, use it, revoke it", async ({ page }) => {
  const name = uid("ci-key");
  await page.goto("/en/keys");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("checkbox", { name: "Read" }).check();
  await page.getByRole("checkbox", { name: "Write" }).uncheck();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const key = (await page.getByTestId("new-key").textContent())!.trim();
  expect(key).toMatch(/^lsk_/);
  expect((await api("/api/services", { key })).status).toBe(200);
  expect((await api("/api/keys", { key })).status).toBe(403);
  await expectAccessible(page);
  await page.getByRole("button", { name: "I saved it" }).click();
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  await screenshot(page, "keys-en");

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.locator(`[data-key="${name}"]`)).toHaveCount(0);
  expect((await api("/api/services", { key })).status).toBe(401);
});

test("create a channel and test-send it to a (fake) Discord", async ({ page }) => {
  const discord = await startFakeDiscord();
  try {
    const name = uid("ops");
    await page.goto("/en/channels");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Webhook URL").fill(discord.url);
    await page.getByRole("button", { name: "Add channel" }).click();
    const row = page.locator(`[data-channel="${name}"]`);
    await expect(row).toContainText("Working");
    await row.getByRole("button", { name: `Send a test to ${name}` }).click();
    await expect(row.getByTestId("test-result")).toHaveText("Test sent.");
    const [payload] = await discord.waitFor(1);
    expect(JSON.stringify(payload.body)).toContain("LaneSwap test notification");
    await expectAccessible(page);
    await screenshot(page, "channels-en");

    // A webhook that vanished marks the channel broken.
    discord.gone();
    await row.getByRole("button", { name: `Send a test to ${name}` }).click();
    await expect(row.getByTestId("channel-state")).toContainText("Broken");

    await row.getByRole("button", { name: `Remove ${name}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await discord.close();
  }
});

test("users: add, change password, remove", async ({ page }) => {
  const username = uid("viewer").toLowerCase();
  await page.goto("/en/users");
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password", { exact: true }).fill("viewer-pass-1");
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const row = page.locator(`[data-user="${username}"]`);
  await expect(row).toContainText("Viewer");
  await expectAccessible(page);
  await screenshot(page, "users-en");

  await row.getByRole("button", { name: `New password for ${username}` }).click();
  await page.getByLabel("New password", { exact: true }).fill("viewer-pass-2");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible();

  await row.getByRole("button", { name: `Remove ${username}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
});

test("Thai admin pages", async ({ page }) => {
  for (const p of ["keys", "channels", "users"]) {
    await page.goto(`/th/${p}`);
    await expect(page.locator("h1")).not.toBeEmpty();
    await expectAccessible(page);
    await screenshot(page, `${p}-th`);
  }
});
