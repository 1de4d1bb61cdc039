import { expect, test, type Page } from "@playwright/test";
import { api, heartbeat, register, screenshot, uid } from "./helpers";

/** Presses Tab until `done` holds for the focused element; fails after `max` presses. */
async function tabUntil(page: Page, done: () => Promise<boolean>, max = 30) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await done()) return;
  }
  throw new Error(`not reached in ${max} presses of Tab`);
}

const focusedIn = (page: Page, selector: string) => () => page.evaluate((s) => !!document.activeElement?.closest(s), selector);

test.describe("the keyboard alone", () => {
  const id = uid("kbd");

  test.beforeAll(async () => {
    await register(id, "Keyboard job", { shift: "night" });
    await heartbeat(id, "error", "needs a hand");
  });

  test("skip link, search, a chip, a card, and the delete dialog cancelled with Escape", async ({ page }) => {
    await page.goto("/en");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();

    await tabUntil(page, focusedIn(page, "#service-search"));
    await page.keyboard.type(id);
    await tabUntil(page, focusedIn(page, "[data-chip=error]"));
    await page.keyboard.press("Space");
    await expect(page.locator("[data-chip=error]")).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("service-grid").locator("li")).toHaveCount(1);

    await tabUntil(page, focusedIn(page, `[data-service="${id}"]`));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/en/services/${id}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Keyboard job" })).toBeVisible();

    await tabUntil(page, () => page.evaluate(() => document.activeElement?.textContent === "Delete service"), 80);
    await expect(page.getByRole("button", { name: "Delete service" })).toBeFocused();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    expect((await api(`/api/services/${id}`)).status).toBe(200);
  });

  test("the service page and the admin pages fit 375 px", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [path, name] of [[`/en/services/${id}`, "service-375-en"], ["/en/keys", "keys-375-en"], ["/en/channels", "channels-375-en"], ["/en/users", "users-375-en"], ["/en/settings", "settings-375-en"], ["/th", "overview-375-th"]]) {
      await page.goto(path);
      await expect(page.locator("h1").first()).toBeAttached();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
      await screenshot(page, name);
    }
  });
});
