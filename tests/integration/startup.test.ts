import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config";
import { createDb } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { ensureFirstApiKey } from "../../lib/services/ensure-first-api-key";
import { ADMIN_KEY, PROVIDERS, createDatabase, freePort, spawnServer, startServer, type TestDatabase, type TestServer } from "./harness";

// Start-up of the production server: a wrong setting stops it with a message naming the setting, and a fresh
// install without LANESWAP_API_KEY prints a first admin key exactly once.

const databases: TestDatabase[] = [];
const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  await Promise.all(databases.map((d) => d.drop()));
});

async function freshDatabase(provider: TestDatabase["provider"]): Promise<TestDatabase> {
  const db = await createDatabase(provider);
  databases.push(db);
  return db;
}

/**
 * Runs `next start` the way the harness does, with `env` on top, and waits for it to exit. A server that is still
 * running after `timeoutMs` (it accepted the configuration) is killed and reported with code null.
 */
async function runUntilExit(
  db: TestDatabase,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const port = await freePort();
  const child = spawnServer(db, port, env);
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      output += `\n[test] still running after ${timeoutMs} ms; killed`;
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      // Let the pipes drain what the process wrote last.
      setImmediate(() => resolve({ code: signal === "SIGKILL" ? null : code, signal, output }));
    });
  });
}

describe("a server started with an invalid configuration exits with a message naming the setting", () => {
  it.each([
    ["HEARTBEAT_STALE_THRESHOLD", { HEARTBEAT_STALE_THRESHOLD: "abc" }, /HEARTBEAT_STALE_THRESHOLD/],
    ["LANESWAP_HEARTBEAT_STALE_THRESHOLD", { LANESWAP_HEARTBEAT_STALE_THRESHOLD: "abc" }, /LANESWAP_HEARTBEAT_STALE_THRESHOLD/],
    ["HISTORY_HEARTBEATS", { HISTORY_HEARTBEATS: "0" }, /HISTORY_HEARTBEATS/],
    ["DATABASE_URL", { DATABASE_URL: "mysql://root@127.0.0.1/laneswap" }, /DATABASE_URL/],
    ["LANESWAP_API_KEY", { LANESWAP_API_KEY: "short" }, /LANESWAP_API_KEY/],
  ])("%s", async (_name, env, pattern) => {
    const db = await freshDatabase("sqlite");
    const { code, output } = await runUntilExit(db, env);
    expect(code, output).not.toBeNull();
    expect(code, output).not.toBe(0);
    expect(output).toMatch(pattern);
    expect(output).toMatch(/Invalid LaneSwap configuration/);
    expect(output).not.toMatch(/ready on/);
  });

  it("MONGODB_URL: says MongoDB is not supported", async () => {
    const db = await freshDatabase("sqlite");
    const { code, output } = await runUntilExit(db, { MONGODB_URL: "mongodb://x" });
    expect(code, output).not.toBeNull();
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/MONGODB_URL/);
    expect(output).toMatch(/MongoDB is not supported/);
    expect(output).not.toMatch(/ready on/);
  });
});

const KEY_PATTERN = /lsk_[A-Za-z0-9_-]{43}/g;
const printedKeys = (output: string) => output.match(KEY_PATTERN) ?? [];

async function pollUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(PROVIDERS)("first admin key on %s", (provider) => {
  it("a fresh server without LANESWAP_API_KEY prints one admin key once; it works; a restart prints none", async () => {
    const db = await freshDatabase(provider);
    const server = await startServer(db, { LANESWAP_API_KEY: "" });
    servers.push(server);
    await pollUntil(() => server.output().includes("ready on"), "the ready line");
    const keys = printedKeys(server.output());
    expect(keys, server.output()).toHaveLength(1);
    const [key] = keys;

    // The key has the admin scope: it lists and creates keys, and registers and deletes services.
    const list = await server.api("/api/keys", { key });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain(key);
    const created = await server.api("/api/keys", { key, method: "POST", json: { name: "reader", scopes: ["read"] } });
    expect(created.status).toBe(201);
    const reader = ((await created.json()) as { key: string }).key;
    expect((await server.api("/api/services", { key, method: "POST", json: { service_name: "first", service_id: "first-svc" } })).status).toBe(200);
    expect((await server.api("/api/services/first-svc", { key: reader })).status).toBe(200);
    expect((await server.api("/api/services/first-svc", { key: reader, method: "DELETE" })).status).toBe(403);
    expect((await server.api("/api/services/first-svc", { key, method: "DELETE" })).status).toBe(204);
    // Without LANESWAP_API_KEY the harness's key means nothing, and no credential is refused.
    expect((await server.api("/api/keys", { key: ADMIN_KEY })).status).toBe(401);
    expect((await server.api("/api/keys", { key: null })).status).toBe(401);

    // A restart (and a crash and restart) finds keys in the database and prints none.
    for (const stop of [server.stop, server.kill]) {
      const before = server.output().length;
      await stop();
      await server.restart();
      await pollUntil(() => server.output().slice(before).includes("ready on"), "the ready line after the restart");
      expect(printedKeys(server.output().slice(before)), server.output().slice(before)).toEqual([]);
      expect((await server.api("/api/keys", { key })).status).toBe(200);
    }
    expect(printedKeys(server.output())).toEqual([key]);
  });

  it("a server started with LANESWAP_API_KEY prints no key", async () => {
    const db = await freshDatabase(provider);
    const server = await startServer(db);
    servers.push(server);
    await pollUntil(() => server.output().includes("ready on"), "the ready line");
    expect(printedKeys(server.output())).toEqual([]);
    expect((await server.api("/api/keys")).status).toBe(200);
  });
});

describe("two servers starting at once on one fresh PostgreSQL database without LANESWAP_API_KEY", () => {
  it("migrate it once, and the first admin key works on both", async () => {
    const db = await freshDatabase("postgresql");
    const pair = await Promise.all([startServer(db, { LANESWAP_API_KEY: "" }), startServer(db, { LANESWAP_API_KEY: "" })]);
    servers.push(...pair);
    await pollUntil(() => pair.every((s) => s.output().includes("ready on")), "both ready lines");
    const outputs = pair.map((s) => s.output()).join("\n---\n");
    expect(pair.filter((s) => /database migrated/.test(s.output())), outputs).toHaveLength(1);
    // How many keys get printed depends on timing here (see the next test, which pins the race down).
    const keys = pair.flatMap((s) => printedKeys(s.output()));
    expect(keys.length, outputs).toBeGreaterThanOrEqual(1);
    for (const key of keys) for (const s of pair) expect((await s.api("/api/keys", { key })).status).toBe(200);
  });
});

describe.each(PROVIDERS)("the first admin key on %s when two start-ups overlap", (provider) => {
  it("is created once (ensureFirstApiKey from two processes at once)", async () => {
    const db = await freshDatabase(provider);
    await applyMigrations({ provider, databaseUrl: db.url });
    // Real processes, one client each, as in production (two SQLite clients in one process would block each other).
    const script = `
      const { parseConfig } = await import("./lib/config.ts");
      const { createDb } = await import("./lib/db/client.ts");
      const { ensureFirstApiKey } = await import("./lib/services/ensure-first-api-key.ts");
      const config = parseConfig(process.env);
      const db = await createDb(config);
      console.log("RESULT " + JSON.stringify(await ensureFirstApiKey({ config, db })));
      await db.$disconnect();`;
    const run = () =>
      new Promise<string | null>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, LANESWAP_API_KEY: "" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => {
          const line = out.split("\n").find((l) => l.startsWith("RESULT "));
          if (code !== 0 || !line) reject(new Error(`child failed (${code}):\n${out}`));
          else resolve(JSON.parse(line.slice("RESULT ".length)));
        });
      });
    const created = await Promise.all([run(), run()]);
    expect(created.filter((k) => k !== null)).toHaveLength(1);
    const config = parseConfig({ DATABASE_URL: db.url, DATA_DIR: db.dataDir });
    const client = await createDb(config);
    try {
      expect(await client.apiKey.count()).toBe(1);
    } finally {
      await client.$disconnect();
    }
  }, 120_000);
});
