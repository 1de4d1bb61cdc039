import { spawn } from "node:child_process";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord";
import { ADMIN_KEY, createDatabase, freePort, startServer, uniqueId, type TestServer } from "./harness";
import { startWorker, type WorkerProcess } from "./worker-process";

// The monitor as users run it: real worker processes, a real server, a local Discord stand-in, real time (kept
// short: thresholds of a second or two).

type Embed = { title: string; description: string; color: number; fields: { name: string; value: string }[] };
const embedOf = (r: { body: unknown }) => (r.body as { embeds: Embed[] }).embeds[0];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function flipsOf(server: TestServer, id: string) {
  const res = await server.api(`/api/services/${id}/events?limit=1000`);
  const { events } = (await res.json()) as { events: { type: string; status: string; from?: string; timestamp: string }[] };
  return events.filter((e) => e.type === "flip");
}

describe("npm start with DISCORD_WEBHOOK_URL (the newcomer's path)", () => {
  it("sends exactly one Discord message within a second of the threshold, and one when the service is back", async () => {
    const discord = await startFakeDiscord();
    cleanups.push(() => discord.close());
    const db = await createDatabase("sqlite");
    cleanups.push(() => db.drop());
    const port = await freePort();
    let log = "";
    const app = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: db.dataDir, DATABASE_URL: "", LANESWAP_API_KEY: ADMIN_KEY, DISCORD_WEBHOOK_URL: discord.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    app.stdout!.on("data", (d) => (log += d));
    app.stderr!.on("data", (d) => (log += d));
    const exited = new Promise<number | null>((r) => app.once("exit", (code) => r(code)));
    cleanups.push(async () => {
      if (app.exitCode === null) app.kill("SIGKILL");
    });
    const url = `http://127.0.0.1:${port}`;
    const api = (path: string, body?: unknown) =>
      fetch(url + path, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    await until(async () => {
      const health = await fetch(`${url}/api/health`).then((r) => r.json()).catch(() => null);
      return health?.worker?.status === "ok";
    }, 60_000, `web server and worker to be up:\n${log}`);

    const id = uniqueId("newcomer");
    expect((await api("/api/services", { service_name: "Newcomer", service_id: id, stale_threshold: 2 })).status).toBe(200);
    const beat = await (await api(`/api/services/${id}/heartbeat`, { status: "healthy" })).json();
    const deadline = Date.parse(beat.last_heartbeat) + 2000;

    const [stale] = await discord.waitFor(1, 6000);
    expect(embedOf(stale).title).toBe("Service Stale: Newcomer");
    expect(embedOf(stale).description).toBe("No heartbeat received in 2 seconds");
    // Within a second of the deadline (scripts/bench/detection.ts measures the p99 on a quiet machine); the test
    // allows twice that, as other test files run beside it.
    expect(stale.at - deadline).toBeLessThan(2000);
    expect(stale.at).toBeGreaterThanOrEqual(deadline);

    await api(`/api/services/${id}/heartbeat`, { status: "healthy", message: "back" });
    const [, recovered] = await discord.waitFor(2, 5000);
    expect(embedOf(recovered).title).toBe("Service Status Change: Newcomer");
    expect(embedOf(recovered).description).toBe("Status changed from stale to healthy: back");
    expect(embedOf(recovered).color).toBe(0x2ecc71);

    // Nothing else arrives: no first-heartbeat notice, no duplicate.
    await new Promise((r) => setTimeout(r, 1000));
    expect(discord.received).toHaveLength(2);

    app.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(log).toContain("[laneswap worker] stopped");
  });
});

describe("worker liveness and outages", () => {
  it("reports a worker that stopped sweeping in /api/health", async () => {
    const db = await createDatabase("sqlite");
    const server = await startServer(db, { WORKER_STALE_AFTER_SECONDS: "1" });
    cleanups.push(async () => {
      await server.stop();
      await db.drop();
    });
    const health = async () => (await (await fetch(`${server.url}/api/health`)).json()).worker.status as string;
    expect(await health()).toBe("none");
    const worker = startWorker(db);
    await until(async () => (await health()) === "ok", 20_000, "worker ok");
    await worker.kill();
    await until(async () => (await health()) === "stale", 5_000, "worker stale");
  });

  it("stops cleanly on SIGTERM", async () => {
    const db = await createDatabase("sqlite");
    cleanups.push(() => db.drop());
    const worker = startWorker(db);
    await worker.waitForOutput(/watching/);
    expect(await worker.stop()).toBe(0);
    expect(worker.output()).toContain("stopped");
  });

  it("delivers every alert after a Discord outage", async () => {
    const discord = await startFakeDiscord();
    const db = await createDatabase("sqlite");
    const env = { DISCORD_WEBHOOK_URL: discord.url, DELIVERY_TIMEOUT_SECONDS: "1" };
    const server = await startServer(db, env);
    const worker = startWorker(db, env);
    cleanups.push(async () => {
      await worker.stop();
      await server.stop();
      await discord.close();
      await db.drop();
    });
    await worker.waitForOutput(/watching/);
    await discord.down();
    const ids = [uniqueId("outage"), uniqueId("outage"), uniqueId("outage")];
    for (const id of ids) {
      await server.api("/api/services", { method: "POST", json: { service_name: id, service_id: id, stale_threshold: 1 } });
    }
    await until(async () => (await Promise.all(ids.map((id) => flipsOf(server, id)))).every((f) => f.length === 1), 10_000, "stale flips");
    await new Promise((r) => setTimeout(r, 1500)); // a few failed attempts while the endpoint is down
    expect(discord.received).toHaveLength(0);
    await discord.up();
    const received = await discord.waitFor(3, 15_000);
    expect(received.map((r) => embedOf(r).title).sort()).toEqual(ids.map((id) => `Service Stale: ${id}`).sort());
  });
});

describe("three workers on one PostgreSQL", () => {
  it("notifies each flip exactly once per channel, also when a worker is killed mid-delivery", async () => {
    const discord = await startFakeDiscord({ delayMs: 100 });
    const db = await createDatabase("postgresql");
    const server = await startServer(db);
    const workers: WorkerProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await server.stop();
      await discord.close();
      await db.drop();
    });
    const channel = await server.api("/api/channels", {
      method: "POST",
      json: { name: "fake discord", type: "discord", config: { url: discord.url } },
    });
    expect(channel.status).toBe(201);
    const ids = Array.from({ length: 40 }, () => uniqueId("fleet"));
    await Promise.all(
      ids.map((id, i) =>
        server.api("/api/services", { method: "POST", json: { service_name: id, service_id: id, stale_threshold: 2 + (i % 4) } }),
      ),
    );
    // A timeout long enough that a loaded machine never gives up on an answer that is on its way.
    const env = { DELIVERY_TIMEOUT_SECONDS: "3" };
    for (let i = 0; i < 3; i++) workers.push(startWorker(db, env));
    await discord.waitFor(8, 60_000);
    const killed = workers.shift()!;
    await killed.kill();
    // What the killed worker had claimed and not yet recorded: the one window where a notification the endpoint
    // accepted can be sent again (README, "Several workers").
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT service_id FROM deliveries WHERE status = 'pending' AND locked_by LIKE $1",
      [`${killed.pid}-%`],
    );
    await client.end();
    const inWindow = new Set(rows.map((r: { service_id: string }) => r.service_id));
    workers.push(startWorker(db, env));

    const titles = () => discord.received.map((r) => embedOf(r).title);
    await until(async () => new Set(titles()).size === ids.length || undefined, 60_000, "every service's alert");
    await new Promise((r) => setTimeout(r, 500));
    const counts = new Map<string, number>();
    for (const t of titles()) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const id of ids) expect(await flipsOf(server, id), id).toHaveLength(1);
    for (const id of ids) {
      const sent = counts.get(`Service Stale: ${id}`);
      if (inWindow.has(id)) expect([1, 2], id).toContain(sent);
      else expect(sent, id).toBe(1);
    }
    expect(discord.received.length).toBeLessThanOrEqual(ids.length + inWindow.size);
  }, 180_000);
});
