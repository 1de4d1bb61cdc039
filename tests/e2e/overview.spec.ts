import { expect, test } from "@playwright/test";
import { api, expectAccessible, heartbeat, register, screenshot, uid } from "./helpers";

/** Polls the API until the worker marked the service stale; returns when it saw that. */
async function waitForStale(id: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const s = await (await api(`/api/services/${id}`)).json();
    if (s.status === "stale") return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${id} never went stale`);
}

test.describe("the overview", () => {
  const tag = uid("ov");
  const ids = { pay: `${tag}-payments`, mail: `${tag}-mailer`, cron: `${tag}-nightly` };

  test.beforeAll(async () => {
    await register(ids.pay, "Payments API", { region: "eu-west-1", version: "2.3.1" });
    await register(ids.mail, "Mailer", { region: "ap-southeast-1", rack: `${tag}-r7` });
    await register(ids.cron, "Nightly export", { owner: "data-team" });
    await heartbeat(ids.pay, "healthy", "all good");
    await heartbeat(ids.mail, "error", "SMTP refused");
    await heartbeat(ids.cron, "warning", "took 42 minutes");
  });

  test("grid and table views, the choice remembered", async ({ page }) => {
    await page.goto("/en");
    const grid = page.getByTestId("service-grid");
    await expect(grid.locator(`[data-service="${ids.mail}"]`)).toContainText("SMTP refused");
    // Worst first: the error comes before the warning and the healthy one.
    const order = await grid.locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    expect(order.indexOf("error")).toBeLessThan(order.indexOf("healthy"));
    await expect(page).toHaveTitle(/Error · LaneSwap/);
    await expect(page.locator("link[rel~=icon][data-status=error]")).toBeAttached();
    await expectAccessible(page);
    await screenshot(page, "overview-grid-en");

    await page.getByRole("button", { name: "Table" }).click();
    const table = page.getByTestId("service-table");
    await expect(table.locator(`[data-service="${ids.pay}"]`)).toContainText("Payments API");
    await page.reload();
    await expect(page.getByTestId("service-table")).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "overview-table-en");
    await page.getByRole("button", { name: "Grid" }).click();
  });

  test("status chips filter, with counts; search covers metadata values", async ({ page }) => {
    await page.goto("/en");
    await page.getByLabel("Search").fill(tag);
    await expect(page.locator("[data-chip=all]")).toContainText("3");
    await page.locator("[data-chip=error]").click();
    await expect(page.getByTestId("service-grid").locator("li")).toHaveCount(1);
    await expect(page.getByTestId("service-grid")).toContainText("Mailer");
    await page.locator("[data-chip=all]").click();

    await page.getByLabel("Search").fill(`${tag}-r7`);
    await expect(page.getByTestId("service-grid").locator("li")).toHaveCount(1);
    await expect(page.getByTestId("service-grid")).toContainText("Mailer");
    await page.getByLabel("Search").fill("no-such-thing-anywhere");
    await expect(page.getByText("No service matches.")).toBeVisible();
  });

  test("sort by name or last heartbeat", async ({ page }) => {
    await page.goto("/en");
    await page.getByLabel("Search").fill(tag);
    const grid = page.getByTestId("service-grid");
    const order = () => grid.locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-service")));
    await expect(grid.locator("li")).toHaveCount(3);
    await page.getByLabel("Sort by").selectOption("name");
    await expect.poll(order).toEqual([ids.mail, ids.cron, ids.pay]); // Mailer, Nightly export, Payments API
    // Payments beats again (same status and message): the most recent heartbeat comes first.
    await heartbeat(ids.pay, "healthy", "all good");
    await page.getByLabel("Sort by").selectOption("last_heartbeat");
    await expect.poll(order).toEqual([ids.pay, ids.cron, ids.mail]);
    await page.getByLabel("Sort by").selectOption("severity");
    await expect.poll(order).toEqual([ids.mail, ids.cron, ids.pay]);
  });

  test("a heartbeat sent through the API appears without a reload", async ({ page }) => {
    await page.goto("/en");
    await page.getByLabel("Search").fill(ids.pay);
    const card = page.locator(`[data-service="${ids.pay}"]`);
    await expect(card).toHaveAttribute("data-status", "healthy");
    await expect(page.locator("[data-connection=live]")).toBeVisible();
    await heartbeat(ids.pay, "degraded", "p99 at 900 ms");
    await expect(card).toHaveAttribute("data-status", "degraded", { timeout: 2_000 });
    await expect(card).toContainText("p99 at 900 ms");
  });

  test("a stale flip made by the worker appears live", async ({ page }) => {
    const id = `${tag}-quiet`;
    await page.goto("/en");
    await page.getByLabel("Search").fill(id);
    await expect(page.getByText("No service matches.")).toBeVisible();
    await expect(page.locator("[data-connection=live]")).toBeVisible();
    // Registered and beating while the page is open: it appears live, then goes quiet.
    await register(id, "Quiet job", {}, { stale_threshold: 3 });
    await heartbeat(id, "healthy", "started");
    const card = page.locator(`[data-service="${id}"]`);
    await expect(card).toHaveAttribute("data-status", "healthy", { timeout: 2_000 });
    // The worker marks it stale when its deadline passes; the open page must show that within 2 s.
    const flipped = await waitForStale(id);
    await expect(card).toHaveAttribute("data-status", "stale", { timeout: 2_000 });
    expect(Date.now() - flipped).toBeLessThan(2_500);
  });

  test("the refresh selector offers Live, Manual and intervals, and remembers the choice", async ({ page }) => {
    await page.goto("/en");
    const select = page.getByLabel("Refresh");
    await expect(select.locator("option")).toHaveText(["Live", "Manual", "Every 5 s", "Every 10 s", "Every 30 s", "Every 60 s"]);
    await select.selectOption("manual");
    await expect(page.locator("[data-connection=off]")).toBeAttached();
    await page.reload();
    await expect(page.getByLabel("Refresh")).toHaveValue("manual");
    await page.getByLabel("Refresh").selectOption("live");
    await expect(page.locator("[data-connection=live]")).toBeVisible();
  });

  test("works at 375 px wide", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto("/en");
    await expect(page.locator(`[data-service="${ids.mail}"]`)).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "overview-375-en");
  });
});
