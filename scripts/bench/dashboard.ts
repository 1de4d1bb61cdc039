// npm run bench:dashboard — the dashboard with a big fleet, in real Chromium against the production server:
// 10,000 services on a fresh SQLite database; how long until the overview is usable, and how fast a status filter
// and a search answer. Prints the figures and appends them to BENCHMARKS.md. Needs a build (npm run build).
import fs from "node:fs";
import { parseArgs } from "node:util";
import os from "node:os";
import { chromium, type Page } from "@playwright/test";
import { uuidv7 } from "uuidv7";
import { SEARCH_DEBOUNCE_MS } from "../../components/services/search-debounce";
import { createDb } from "../../lib/db/client";
import { createDatabase, startServer } from "../../tests/integration/harness";

const HELP = `Usage: npx tsx scripts/bench/dashboard.ts [--services N] [--runs N] [--no-append]

Seeds N services (default 10000, or BENCH_SERVICES) into a fresh SQLite database, starts the production server
(build first: npm run build), signs in with Chromium (/usr/bin/chromium or CHROMIUM_PATH) and measures, as medians
of --runs runs (default 5): the overview becoming usable, a status chip filtering, and a search answering.
Each figure is given twice: from the Playwright action to the answer on screen, and inside the page from the
click or keystroke to the DOM change (without Playwright's own round trip). Appends a section to BENCHMARKS.md
unless --no-append.`;

const args = parseArgs({
  options: { services: { type: "string" }, runs: { type: "string" }, "no-append": { type: "boolean" }, help: { type: "boolean", short: "h" } },
}).values;
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const SERVICES = Number(args.services ?? process.env.BENCH_SERVICES ?? 10_000);
const RUNS = Number(args.runs ?? 5);
const STATUSES = ["healthy", "healthy", "healthy", "healthy", "warning", "degraded", "error", "busy", "stale", "unknown"];
const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-1", "sa-east-1"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function seed(url: string): Promise<void> {
  const db = await createDb({ databaseUrl: url, provider: "sqlite" });
  const now = Date.now();
  for (let start = 0; start < SERVICES; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, SERVICES - start) }, (_, k) => {
      const i = start + k;
      const status = STATUSES[i % STATUSES.length];
      return {
        id: `svc-${String(i).padStart(5, "0")}`,
        name: `Service ${i}`,
        status,
        message: status === "healthy" ? "ok" : `${status} in job ${i}`,
        metadata: { region: REGIONS[i % REGIONS.length], build: `b${i}`, owner: `team-${i % 37}` },
        createdAt: new Date(now - 86_400_000),
        updatedAt: new Date(now - (i % 600) * 1000),
        lastHeartbeat: status === "unknown" ? null : new Date(now - (i % 600) * 1000),
        // Far deadlines: the bench measures the dashboard, not the monitor.
        deadline: null,
      };
    });
    await db.service.createMany({ data: rows });
    await db.event.createMany({ data: rows.map((r) => ({ id: uuidv7(), serviceId: r.id, type: "heartbeat", status: r.status, message: r.message, at: r.updatedAt })) });
  }
  await db.$disconnect();
}

/**
 * Inside the page: from the first `trigger` event (click, input) to the first DOM change after which `done` holds,
 * checked on every mutation, so Playwright's round trips and polling are left out.
 */
async function armInPageTimer(page: Page, trigger: "click" | "input", done: string | (() => boolean)): Promise<void> {
  const test = typeof done === "string" ? `() => (${done})` : String(done);
  await page.evaluate(
    ([trigger, test]) => {
      const w = window as unknown as { benchT0?: number; benchT1?: number; benchObserver?: MutationObserver };
      const check = new Function(`return (${test})()`) as () => boolean;
      w.benchT0 = undefined;
      w.benchT1 = undefined;
      w.benchObserver?.disconnect();
      document.addEventListener(trigger, () => (w.benchT0 ??= performance.now()), { capture: true, once: true });
      w.benchObserver = new MutationObserver(() => {
        if (w.benchT0 !== undefined && w.benchT1 === undefined && check()) {
          w.benchT1 = performance.now();
          w.benchObserver!.disconnect();
        }
      });
      w.benchObserver.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
    },
    [trigger, test] as const,
  );
}

async function inPageTime(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { benchT0?: number; benchT1?: number };
    return w.benchT0 !== undefined && w.benchT1 !== undefined ? w.benchT1 - w.benchT0 : NaN;
  });
}

async function timeUntil(page: Page, act: () => Promise<unknown>, done: string | (() => boolean)): Promise<number> {
  const t0 = performance.now();
  await act();
  await page.waitForFunction(done, undefined, { polling: "raf", timeout: 30_000 }).catch(async (error) => {
    await page.screenshot({ path: "test-results/bench-timeout.png" });
    throw new Error(`${String(done).slice(0, 200)}: ${(error as Error).message}`);
  });
  return performance.now() - t0;
}

const database = await createDatabase("sqlite");
const server = await startServer(database);
try {
  const seedStart = performance.now();
  await seed(database.url);
  console.log(`seeded ${SERVICES} services in ${Math.round(performance.now() - seedStart)} ms`);
  // The health check's keep-alive connection may have timed out during the seeding: retry on a fresh one.
  const createAdmin = () => fetch(`${server.url}/api/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "bench", password: "bench-password" }) });
  const setup = await createAdmin().catch(createAdmin);
  if (setup.status !== 201) throw new Error(`setup answered ${setup.status}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const page = await browser.newPage({ baseURL: server.url });
  await page.goto("/en/login");
  await page.getByLabel("User name").fill("bench");
  await page.getByLabel("Password").fill("bench-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/en$/);

  const usable: number[] = [];
  const filter: number[] = [];
  const search: number[] = [];
  const searchAfterDebounce: number[] = [];
  const filterInPage: number[] = [];
  const searchInPage: number[] = [];
  let cards = 0;
  for (let run = 0; run < RUNS; run++) {
    // Usable: summary counted, first page of cards on screen, search box ready.
    usable.push(
      await timeUntil(page, () => page.goto("/en", { waitUntil: "commit" }), `document.querySelectorAll("[data-service]").length > 0 && (document.querySelector("[data-testid=summary-total]")?.textContent ?? "").replace(/\\D/g, "") === "${SERVICES}"`),
    );
    cards = await page.locator("[data-service]").count();
    // A status none of whose services are on the first page (sorted worst first): the page must really change.
    const busy = Array.from({ length: SERVICES }, (_, i) => STATUSES[i % STATUSES.length] === "busy").filter(Boolean).length;
    const allBusy = `(() => { const items = [...document.querySelectorAll("[data-service]")]; return items.length > 0 && items.every((e) => e.getAttribute("data-status") === "busy") && (document.querySelector("[data-testid=range]")?.textContent ?? "").endsWith("of ${busy.toLocaleString("en")}"); })()`;
    await armInPageTimer(page, "click", allBusy);
    filter.push(await timeUntil(page, () => page.locator("[data-chip=busy]").click(), allBusy));
    filterInPage.push(await inPageTime(page));
    await page.locator("[data-chip=all]").click();
    await page.waitForFunction(`(document.querySelector("[data-testid=range]")?.textContent ?? "").endsWith("of ${SERVICES.toLocaleString("en")}")`);
    // A metadata value that matches 1 service in 37: a real full-text pass over the fleet.
    const expected = Array.from({ length: SERVICES }, (_, i) => i % 37 === 36).filter(Boolean).length;
    const searched = `(document.querySelector("[data-testid=range]")?.textContent ?? "").endsWith("of ${expected.toLocaleString("en")}")`;
    await armInPageTimer(page, "input", searched);
    const t = await timeUntil(page, () => page.getByLabel("Search").fill("team-36"), searched);
    search.push(t);
    searchInPage.push(await inPageTime(page));
    searchAfterDebounce.push(t - SEARCH_DEBOUNCE_MS);
    await page.getByLabel("Search").fill("");
  }
  // The server's share: the same queries straight to the API with the page's session.
  const apiSearch: number[] = [];
  const apiFilter: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now();
    await page.request.get("/api/overview?sort=severity&offset=0&limit=60&q=team-36");
    apiSearch.push(performance.now() - t0);
    t0 = performance.now();
    await page.request.get("/api/overview?sort=severity&offset=0&limit=60&status=busy");
    apiFilter.push(performance.now() - t0);
  }
  await browser.close();

  const fmt = (xs: number[]) => `${Math.round(median(xs))} ms (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;
  const lines = [
    `- overview usable (navigation to first page of cards and fleet summary): ${fmt(usable)}`,
    `- status filter (click on a chip to the filtered page): ${fmt(filter)}; in the page, click to DOM: ${fmt(filterInPage)}`,
    `- search over names, ids, messages and metadata values (keystroke to results, with the ${SEARCH_DEBOUNCE_MS} ms debounce): ${fmt(search)}; in the page, input to DOM: ${fmt(searchInPage)}`,
    `- the same without the debounce wait: ${fmt(searchAfterDebounce)}`,
    `- the API alone (GET /api/overview): search ${fmt(apiSearch)}, status filter ${fmt(apiFilter)}`,
    `- cards in the DOM: ${cards} of ${SERVICES}`,
  ];
  console.log(lines.join("\n"));
  const section = [
    "",
    `## Dashboard with ${SERVICES.toLocaleString("en")} services (${new Date().toISOString().slice(0, 10)})`,
    "",
    `\`npm run bench:dashboard\`: production server on SQLite, real Chromium (headless), ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(2)} over the last minute at the end), medians of ${RUNS} runs.`,
    "",
    ...lines,
    "",
  ].join("\n");
  console.log(`load average (1 min): ${os.loadavg()[0].toFixed(2)}`);
  if (!args["no-append"]) fs.appendFileSync("BENCHMARKS.md", section);
} catch (error) {
  console.error(server.output().slice(-3000));
  throw error;
} finally {
  await server.stop();
  await database.drop();
}
