import { expect, test } from "@playwright/test";
import { expectAccessible, register, screenshot, uid } from "./helpers";

test("switching to Thai and back", async ({ page }) => {
  const id = uid("thai");
  await register(id, "ระบบชำระเงิน", { region: "กรุงเทพ" });
  await page.goto("/en");
  await page.getByRole("button", { name: "Switch to Thai" }).click();
  await expect(page).toHaveURL(/\/th$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "th");
  await expect(page.getByRole("link", { name: "บริการ" })).toBeVisible();
  await expect(page.getByLabel("ค้นหา")).toBeVisible();
  await page.getByLabel("ค้นหา").fill("กรุงเทพ");
  await expect(page.locator(`[data-service="${id}"]`)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "overview-grid-th");

  // The choice sticks: a bare URL opens in Thai.
  await page.goto("/");
  await expect(page).toHaveURL(/\/th$/);

  await page.goto(`/th/services/${id}`);
  await expect(page.getByText("ระยะเวลาที่ทำงานได้")).toBeVisible();
  // Thai in monospace text (a metadata value) is drawn with the served Thai font, not left to the system's fonts.
  const families = await page.evaluate(() => {
    const code = [...document.querySelectorAll("code")].find((c) => c.textContent === "กรุงเทพ")!;
    const thai = getComputedStyle(document.documentElement).getPropertyValue("--font-thai").split(",")[0].trim().replace(/^["']|["']$/g, "");
    return { code: getComputedStyle(code).fontFamily, thai };
  });
  expect(families.thai).not.toBe("");
  expect(families.code).toContain(families.thai);
  await screenshot(page, "service-th");

  await page.getByRole("button", { name: "เปลี่ยนเป็นภาษาอังกฤษ" }).click();
  await expect(page).toHaveURL(new RegExp(`/en/services/${id}$`));
  await expect(page.getByText("Uptime")).toBeVisible();
});

test("settings: language, theme and time style are remembered", async ({ page }) => {
  await page.goto("/en/settings");
  await expectAccessible(page);
  await screenshot(page, "settings-en");
  await page.getByLabel("Dark").check();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.getByLabel("Date and time").check();
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect(page.getByLabel("Date and time")).toBeChecked();
  await expectAccessible(page);
  await screenshot(page, "settings-dark-en");
  await page.getByRole("radio", { name: "Thai" }).click();
  await expect(page).toHaveURL(/\/th\/settings$/);
  await screenshot(page, "settings-dark-th");
  await page.getByLabel("สว่าง").check();
  await page.getByLabel("แบบสัมพัทธ์ (2 นาทีที่แล้ว)").check();
  await page.getByRole("radio", { name: "ภาษาอังกฤษ" }).click();
  await expect(page).toHaveURL(/\/en\/settings$/);
  await expect(page.locator("html")).not.toHaveClass(/dark/);
});
