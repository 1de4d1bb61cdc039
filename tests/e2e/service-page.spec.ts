import { expect, test } from "@playwright/test";
import { api, expectAccessible, heartbeat, register, screenshot, uid } from "./helpers";

test.describe("a service's page", () => {
  const id = uid("svc.page");

  test.beforeAll(async () => {
    await register(id, "Billing worker", { version: "1.4.0", queue: "invoices" });
    for (let i = 0; i < 25; i++) await heartbeat(id, i % 5 === 4 ? "warning" : "healthy", `run ${i}`);
  });

  test("the monitor link /?service=<id> opens the service", async ({ page }) => {
    await page.goto(`/?service=${encodeURIComponent(id)}`);
    await expect(page).toHaveURL(new RegExp(`/en/services/${id.replace(/\./g, "\\.")}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Billing worker" })).toBeVisible();
  });

  test("shows status, metadata, uptime, history with paging, and the heartbeat command", async ({ page }) => {
    await page.goto(`/en/services/${id}`);
    await expect(page.getByText("invoices")).toBeVisible();
    await expect(page.locator('[data-window="24h"]')).toContainText("%");
    await expect(page.locator('[data-window="30d"] span[title]')).toHaveCount(30);
    const timeline = page.getByTestId("timeline");
    await expect(timeline).toContainText("run 24");
    const before = await timeline.locator("li").count();
    await page.getByRole("button", { name: "Older events" }).click();
    await expect.poll(() => timeline.locator("li").count()).toBeGreaterThan(before);
    await expect(page.getByTestId("curl")).toContainText(`/api/services/${id}/heartbeat`);
    await expectAccessible(page);
    await screenshot(page, "service-en");
  });

  test("a heartbeat sent through the API appears in the status and the history without a reload", async ({ page }) => {
    await page.goto(`/en/services/${id}`);
    await expect(page.locator("[data-connection=live]")).toBeVisible();
    await expect(page.getByTestId("timeline")).toContainText("run 24");
    await heartbeat(id, "error", "ledger locked");
    await expect(page.getByTestId("timeline").locator("li").first()).toContainText("ledger locked", { timeout: 3_000 });
    await expect(page.getByText("ledger locked").first()).toBeVisible();
    await heartbeat(id, "healthy", "ledger free");
  });

  test("edit name, threshold and pause; delete with confirmation", async ({ page }) => {
    const victim = uid("victim");
    await register(victim, "Short-lived");
    await page.goto(`/en/services/${victim}`);
    await page.getByLabel("Name", { exact: true }).fill("Renamed job");
    await page.getByLabel("Stale after (seconds)").fill("300");
    await page.getByLabel(/^Paused/).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Renamed job" })).toBeVisible();
    const after = await (await api(`/api/services/${victim}`)).json();
    expect(after).toMatchObject({ name: "Renamed job", stale_threshold: 300, paused: true });

    await page.getByRole("button", { name: "Delete service" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Delete Renamed job?");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await api(`/api/services/${victim}`)).status).toBe(200);
    await page.getByRole("button", { name: "Delete service" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect(page).toHaveURL(/\/en$/);
    expect((await api(`/api/services/${victim}`)).status).toBe(404);
  });

  test("an unknown service says so", async ({ page }) => {
    await page.goto("/en/services/does-not-exist");
    await expect(page.getByText("Service not found: does-not-exist")).toBeVisible();
  });
});
