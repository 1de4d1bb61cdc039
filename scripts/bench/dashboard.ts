// npm run bench:dashboard — the dashboard with a big fleet, in real Chromium against the production server:
// 10,000 services on a fresh SQLite database; how long until the overview is usable, and how fast a status filter
// and a search answer. Prints the figures and appends them to BENCHMARKS.md. Needs a build (npm run build).
import fs from "node:fs";
import os from "node:os";
import { chromium, type Page } from "@playwright/test";
import { v7 as uuidv7 } from "uuid";
import { createDb } from "../../lib/db/client";
import { createDatabase, startServer } from "../../tests/integration/harness";

const SERVICES = Number(process.env.BENCH_SERVICES ?? 10_000);
const RUNS = 5;
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
  let cards = 0;
  for (let run = 0; run < RUNS; run++) {
    // Usable: summary counted, first page of cards on screen, search box ready.
    usable.push(
      await timeUntil(page, () => page.goto("/en", { waitUntil: "commit" }), `document.querySelectorAll("[data-service]").length > 0 && (document.querySelector("[data-testid=summary-total]")?.textContent ?? "").replace(/\\D/g, "") === "${SERVICES}"`),
    );
    cards = await page.locator("[data-service]").count();
    filter.push(
      await timeUntil(page, () => page.locator("[data-chip=error]").click(), () => {
        const items = [...document.querySelectorAll("[data-service]")];
        return items.length > 0 && items.every((e) => e.getAttribute("data-status") === "error");
      }),
    );
    await page.locator("[data-chip=all]").click();
    await page.waitForFunction(`(document.querySelector("[data-testid=range]")?.textContent ?? "").endsWith("of ${SERVICES.toLocaleString("en")}")`);
    // A metadata value that matches 1 service in 37: a real full-text pass over the fleet.
    const expected = Array.from({ length: SERVICES }, (_, i) => i % 37 === 36).filter(Boolean).length;
    const t = await timeUntil(page, () => page.getByLabel("Search").fill("team-36"), `(document.querySelector("[data-testid=range]")?.textContent ?? "").endsWith("of ${expected.toLocaleString("en")}")`);
    search.push(t);
    searchAfterDebounce.push(t - 150);
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
    await page.request.get("/api/overview?sort=severity&offset=0&limit=60&status=error");
    apiFilter.push(performance.now() - t0);
  }
  await browser.close();

  const fmt = (xs: number[]) => `${Math.round(median(xs))} ms (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;
  const lines = [
    `- overview usable (navigation to first page of cards and fleet summary): ${fmt(usable)}`,
    `- status filter (click on a chip to the filtered page): ${fmt(filter)}`,
    `- search over names, ids, messages and metadata values (keystroke to results, with the 150 ms debounce): ${fmt(search)}`,
    `- the same without the debounce wait: ${fmt(searchAfterDebounce)}`,
    `- the API alone (GET /api/overview): search ${fmt(apiSearch)}, status filter ${fmt(apiFilter)}`,
    `- cards in the DOM: ${cards} of ${SERVICES}`,
  ];
  console.log(lines.join("\n"));
  const section = [
    "",
    `## Dashboard with ${SERVICES.toLocaleString("en")} services (${new Date().toISOString().slice(0, 10)})`,
    "",
    `\`npm run bench:dashboard\`: production server on SQLite, real Chromium (headless), ${os.cpus().length} cores, medians of ${RUNS} runs.`,
    "",
    ...lines,
    "",
  ].join("\n");
  fs.appendFileSync("BENCHMARKS.md", section);
} catch (error) {
  console.error(server.output().slice(-3000));
  throw error;
} finally {
  await server.stop();
  await database.drop();
}
