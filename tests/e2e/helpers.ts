import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const ADMIN = { username: "admin", password: "correct horse battery" };
const KEY = () => process.env.LANESWAP_E2E_KEY!;
const URL_ = () => process.env.LANESWAP_E2E_URL!;

/** A REST call with the admin key, the way a client would make it. */
export async function api(pathname: string, init: { method?: string; json?: unknown; key?: string } = {}): Promise<Response> {
  return fetch(URL_() + pathname, {
    method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
    headers: { authorization: `Bearer ${init.key ?? KEY()}`, ...(init.json !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
}

export async function register(id: string, name: string, metadata: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const res = await api("/api/services", { json: { service_id: id, service_name: name, metadata, ...extra } });
  expect(res.status).toBe(200);
}

export async function heartbeat(id: string, status: string, message?: string) {
  const res = await api(`/api/services/${id}/heartbeat`, { json: { status, message } });
  expect(res.status).toBe(200);
}

/** Fails on any accessibility violation axe finds (WCAG 2.1 A and AA). */
export async function expectAccessible(page: Page) {
  // @axe-core/playwright is typed against its own copy of playwright-core; the page is the same object.
  const results = await new AxeBuilder({ page: page as never }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")})`);
  expect(summary).toEqual([]);
}

/** Saves a full-page screenshot under test-results/screenshots/. */
export async function screenshot(page: Page, name: string) {
  const dir = path.resolve("test-results/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

export function uid(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
