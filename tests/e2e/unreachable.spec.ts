import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, heartbeat, register, screenshot, uid } from "./helpers";

// The server goes away while the dashboard is open: the page keeps the last known data, says plainly that the server
// cannot be reached and that it is reconnecting, and comes back by itself (no reload) once the server answers again.

const API = "**/api/**";

/** Every API request fails as if the network were gone, and the open event stream is cut. */
async function cutOff(page: Page) {
  await page.route(API, (route) => route.abort("internetdisconnected"));
  // Routes only see new requests: a moment offline breaks the stream that is already open.
  await page.context().setOffline(true);
  await expect(page.locator("[data-connection=reconnecting]")).toBeAttached();
  await page.context().setOffline(false);
}

test.describe("when the server cannot be reached", () => {
  const id = uid("reach");

  test.beforeAll(async () => {
    await register(id, "Edge proxy", { site: "bkk-1" });
    await heartbeat(id, "healthy", "serving");
  });

  test("the overview says so, keeps the last data, and recovers on its own", async ({ page }) => {
    await page.goto("/en");
    await page.getByLabel("Search").fill(id);
    const card = page.locator(`[data-service="${id}"]`);
    await expect(card).toHaveAttribute("data-status", "healthy");
    await expect(page.locator("[data-connection=live]")).toBeVisible();

    await cutOff(page);
    await expect(page.getByRole("status").filter({ hasText: "Disconnected, reconnecting…" })).toBeVisible();
    const alert = page.getByRole("alert").filter({ hasText: "cannot be reached" });
    await expect(alert).toContainText("The LaneSwap server cannot be reached.");
    await expect(alert).toContainText("Showing the last known data; trying again automatically.");
    await expect(card).toContainText("serving");
    await expectAccessible(page);
    await screenshot(page, "overview-unreachable-en");

    // Something happens while the page is cut off; it shows once the server is back, without a reload.
    await heartbeat(id, "error", "upstream timeout");
    await page.waitForTimeout(3_000);
    await expect(alert).toBeVisible();
    await page.unroute(API);
    await expect(page.locator("[data-connection=live]")).toBeVisible({ timeout: 10_000 });
    await expect(card).toHaveAttribute("data-status", "error");
    await expect(card).toContainText("upstream timeout");
    await expect(alert).toHaveCount(0);
  });

  test("a service's page says its data may be out of date, then catches up", async ({ page }) => {
    await page.goto(`/en/services/${id}`);
    await expect(page.getByRole("heading", { level: 1, name: "Edge proxy" })).toBeVisible();
    await expect(page.locator("[data-connection=live]")).toBeVisible();
    await expect(page.getByTestId("timeline")).toBeVisible();
    await expect(page.locator("[data-window='24h']")).toBeVisible();

    await cutOff(page);
    // One notice for the page; the cards keep what they had loaded.
    const alert = page.getByRole("alert").filter({ hasText: "cannot be reached" });
    await expect(alert).toHaveText("The server cannot be reached; this may be out of date.");
    await expect(page.getByText("bkk-1")).toBeVisible();

    await heartbeat(id, "warning", "cache cold");
    await page.unroute(API);
    await expect(page.locator("[data-connection=live]")).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId("timeline")).toContainText("cache cold");
    await expect(alert).toHaveCount(0);
  });

  test("without live updates, the refresh interval finds out and the page recovers within seconds", async ({ page }) => {
    await page.goto("/en");
    await page.getByLabel("Refresh").selectOption("5");
    await expect(page.locator("[data-connection=off]")).toBeAttached();
    await page.getByLabel("Search").fill(id);
    const card = page.locator(`[data-service="${id}"]`);
    await expect(card).toBeVisible();

    await page.route(API, (route) => route.abort("connectionrefused"));
    const alert = page.getByRole("alert").filter({ hasText: "The LaneSwap server cannot be reached." });
    await expect(alert).toBeVisible({ timeout: 8_000 });
    // Failures pile up for a while; the next attempt is still at most 10 s away.
    await page.waitForTimeout(12_000);
    await heartbeat(id, "busy", "rebuilding index");
    await page.unroute(API);
    await expect(card).toHaveAttribute("data-status", "busy", { timeout: 12_000 });
    await expect(alert).toHaveCount(0);
  });

  test("the admin pages say when the server cannot be reached, and load their lists once the API answers", async ({ page }) => {
    await page.route(API, (route) => route.abort("connectionrefused"));
    for (const p of ["keys", "channels", "users"]) {
      await page.goto(`/en/${p}`);
      const alert = page.getByRole("alert").filter({ hasText: "The LaneSwap server cannot be reached." });
      await expect(alert).toBeVisible();
      await expect(alert).toContainText("Trying again automatically.");
      await expectAccessible(page);
      if (p === "users") {
        await page.unroute(API);
        await expect(page.getByTestId(p)).toBeVisible({ timeout: 12_000 });
        await expect(alert).toHaveCount(0);
      }
    }
  });

  test("a list the server fails to give says so, and a service page's cards say which part failed", async ({ page }) => {
    const failure = { status: 500, contentType: "application/json", body: JSON.stringify({ detail: "boom", error: { code: "internal_error", message: "boom" } }) };
    await page.route("**/api/keys", (route) => route.fulfill(failure));
    await page.goto("/en/keys");
    await expect(page.getByRole("alert").filter({ hasText: "The keys could not be loaded." })).toBeVisible();
    await page.unroute("**/api/keys");

    await page.route("**/api/services/*/uptime", (route) => route.fulfill(failure));
    await page.route("**/api/services/*/events*", (route) => route.fulfill(failure));
    await page.goto(`/en/services/${id}`);
    await expect(page.getByText("Edge proxy").first()).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "This part could not be loaded." })).toHaveCount(2);
  });

  test("a stream that cannot connect at all says so, and goes live once the server answers", async ({ page }) => {
    await page.route("**/api/stream", (route) => route.abort("connectionrefused"));
    await page.goto("/en");
    await expect(page.getByRole("status").filter({ hasText: "Disconnected, reconnecting…" })).toBeVisible();
    await page.unroute("**/api/stream");
    await expect(page.locator("[data-connection=live]")).toBeAttached({ timeout: 15_000 });
  });
});
