import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { api, expectAccessible, heartbeat, register, uid } from "./helpers";

// A viewer looks and never changes: the admin pages and the edit controls are not offered, and the API refuses the
// viewer's session for every write, whatever the page shows.

type Answer = { status: number; body: unknown };

/** 403 with the SPEC's error shape: `detail` for the original clients, `error.code` for machines. */
async function expectForbidden(answer: Answer | APIResponse) {
  const { status, body } = "headersArray" in answer ? { status: answer.status(), body: await answer.json() } : answer;
  expect(status).toBe(403);
  expect(body).toEqual({ detail: expect.any(String), error: { code: "forbidden", message: expect.any(String) } });
  const { detail, error } = body as { detail: string; error: { message: string } };
  expect(detail).toBe(error.message);
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto("/en/login");
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/en$/);
}

test("a viewer added by an admin can look at everything and change nothing", async ({ page, browser }) => {
  const id = uid("viewed");
  await register(id, "Report builder", { region: "eu-west-1" });
  await heartbeat(id, "warning", "queue growing");

  // The admin adds the viewer through the users page.
  const username = uid("watcher").toLowerCase();
  const password = "viewer-only-1";
  await page.goto("/en/users");
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.locator(`[data-user="${username}"]`)).toContainText("Viewer");

  // The viewer signs in in a browser of their own.
  const context = await browser.newContext({ baseURL: process.env.LANESWAP_E2E_URL, locale: "en-US" });
  try {
    const viewer = await context.newPage();
    await signIn(viewer, username, password);

    // The overview: services visible, the admin links are not offered.
    await viewer.getByLabel("Search").fill(id);
    const card = viewer.locator(`[data-service="${id}"]`);
    await expect(card).toHaveAttribute("data-status", "warning");
    await expect(card).toContainText("queue growing");
    const nav = viewer.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Services" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Settings" })).toBeVisible();
    for (const name of ["API keys", "Channels", "Users"]) await expect(nav.getByRole("link", { name })).toHaveCount(0);

    // The service page: everything to read, nothing to edit, pause or delete.
    await card.getByRole("link").click();
    await expect(viewer).toHaveURL(new RegExp(`/en/services/${id}$`));
    await expect(viewer.getByRole("heading", { level: 1, name: "Report builder" })).toBeVisible();
    await expect(viewer.getByText("eu-west-1")).toBeVisible();
    await expect(viewer.getByTestId("timeline")).toContainText("queue growing");
    await expect(viewer.getByTestId("curl")).toContainText(`/api/services/${id}/heartbeat`);
    await expect(viewer.getByLabel("Name", { exact: true })).toHaveCount(0);
    await expect(viewer.getByLabel(/^Paused/)).toHaveCount(0);
    await expect(viewer.getByRole("button", { name: "Save" })).toHaveCount(0);
    await expect(viewer.getByRole("button", { name: "Delete service" })).toHaveCount(0);
    await expectAccessible(viewer);

    // The admin pages, opened by address, say they are for administrators and show none of their controls.
    for (const p of ["keys", "channels", "users"]) {
      await viewer.goto(`/en/${p}`);
      await expect(viewer.getByText("Only administrators can see this page.")).toBeVisible();
      await expect(viewer.locator("main").getByRole("button")).toHaveCount(0);
      await expect(viewer.locator("main").getByRole("textbox")).toHaveCount(0);
      await expectAccessible(viewer);
    }

    // The API refuses the viewer's session for every write, with the error shape of the SPEC, and changes nothing.
    const r = viewer.request;
    await expectForbidden(await r.patch(`/api/services/${id}`, { data: { paused: true } }));
    await expectForbidden(await r.delete(`/api/services/${id}`));
    await expectForbidden(await r.post(`/api/services/${id}/heartbeat`, { data: { status: "healthy" } }));
    await expectForbidden(await r.post("/api/services", { data: { service_name: "Sneaky", service_id: uid("sneaky") } }));
    await expectForbidden(await r.get("/api/keys"));
    await expectForbidden(await r.post("/api/keys", { data: { name: "mine", scopes: ["admin"] } }));
    await expectForbidden(await r.get("/api/channels"));
    await expectForbidden(await r.get("/api/users"));
    await expectForbidden(await r.post("/api/users", { data: { username: uid("evil"), password: "password-123", role: "admin" } }));
    // The same from the page itself, the way the dashboard's own code would send it.
    const fromPage = await viewer.evaluate(async (url) => {
      const res = await fetch(url, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Renamed by a viewer" }) });
      return { status: res.status, body: await res.json() };
    }, `/api/services/${id}`);
    await expectForbidden(fromPage);
    expect((await r.get(`/api/services/${id}`)).status()).toBe(200);
    expect((await r.get("/api/overview")).status()).toBe(200);

    const after = await (await api(`/api/services/${id}`)).json();
    expect(after).toMatchObject({ name: "Report builder", paused: false, status: "warning" });
  } finally {
    await context.close();
  }
});
