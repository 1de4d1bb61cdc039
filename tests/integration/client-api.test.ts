import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  configure,
  getService,
  LaneSwapClient,
  LaneSwapError,
  registerService,
  sendHeartbeat,
  type LaneSwapClientOptions,
  type ServiceEvent,
} from "../../lib/client/index.js";
import { ensureServerRunning, isServerUp } from "../../lib/client/start-server.js";
import { ADMIN_KEY, createDatabase, startServer, uniqueId, type TestDatabase, type TestServer } from "./harness";

// The client library against the real production server: registration, heartbeats, reads, typed errors,
// automatic heartbeats, and LaneSwap going down and coming back without the host noticing more than onError.

let db: TestDatabase;
let server: TestServer;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onRejection);
  db = await createDatabase("sqlite");
  server = await startServer(db);
});

afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  await server?.stop();
  await db?.drop();
});

const clientFor = (options: LaneSwapClientOptions = {}) => new LaneSwapClient({ apiUrl: server.url, apiKey: ADMIN_KEY, ...options });

async function events(id: string): Promise<ServiceEvent[]> {
  const res = await server.api(`/api/services/${encodeURIComponent(id)}/events?limit=1000`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: ServiceEvent[] }).events;
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("LaneSwapClient against a real server", () => {
  it("connect() registers the service and automatic heartbeats arrive until close()", async () => {
    const serviceId = uniqueId("auto");
    let id: string | undefined;
    {
      await using client = clientFor({ serviceName: "Auto Beat", serviceId, heartbeatInterval: 0.2, metadata: { v: 1 } });
      id = await client.connect();
      expect(id).toBe(serviceId);
      expect(client.connected).toBe(true);
      const beats = await until("3 automatic heartbeats", () => events(serviceId), (e) => e.filter((x) => x.type === "heartbeat").length >= 3);
      expect(beats.every((e) => e.type === "flip" || e.status === "healthy")).toBe(true);
    }
    const service = await clientFor().getService(serviceId);
    expect(service).toMatchObject({ id: serviceId, name: "Auto Beat", status: "healthy", metadata: { v: 1 } });
    // Closed: no more heartbeats.
    const count = (await events(serviceId)).length;
    await new Promise((r) => setTimeout(r, 700));
    expect((await events(serviceId)).length).toBeLessThanOrEqual(count + 1);
  });

  it("a client without serviceId registers a new service under its own id", async () => {
    await using client = clientFor({ serviceName: "Fresh", autoHeartbeat: false });
    const id = await client.connect();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.getService()).status).toBe("unknown");
  });

  it("registers, beats, reads and lists", async () => {
    await using client = clientFor({ autoHeartbeat: false });
    const serviceId = uniqueId("crud");
    expect(await client.registerService({ serviceName: "Billing", serviceId, metadata: { version: "1.0.0", region: "eu" } })).toBe(serviceId);
    expect(await client.registerService({ serviceName: "Billing API", serviceId, metadata: { version: "1.1.0" } })).toBe(serviceId);
    expect(client.serviceId).toBe(serviceId);

    const after = await client.sendHeartbeat({ status: "warning", message: "disk 91%", metadata: { disk: 91 } });
    expect(after).toMatchObject({
      id: serviceId,
      name: "Billing API",
      status: "warning",
      message: "disk 91%",
      metadata: { version: "1.1.0", region: "eu", disk: 91 },
    });
    expect(after.last_heartbeat).not.toBeNull();

    const got = await client.getService(serviceId);
    expect(got.events!.map((e) => [e.type, e.status])).toEqual([
      ["heartbeat", "warning"],
      ["flip", "warning"],
    ]);
    const list = await client.listServices({ q: serviceId });
    expect(Object.keys(list.services)).toEqual([serviceId]);
    expect(list.summary.total).toBeGreaterThanOrEqual(1);
    expect(Object.keys((await client.listServices({ status: "warning" })).services)).toContain(serviceId);
    const page = await client.listEvents(serviceId, { limit: 1 });
    expect(page.events).toHaveLength(1);
    expect(page.next_cursor).toBeTruthy();
    expect((await client.listEvents(serviceId, { before: page.next_cursor! })).events).toHaveLength(1);
  });

  it("rejects with LaneSwapError carrying the server's status, code and detail", async () => {
    const client = clientFor({ autoHeartbeat: false });
    await expect(client.getService("no-such-service")).rejects.toMatchObject({
      name: "LaneSwapError",
      status: 404,
      code: "not_found",
      detail: "Service not found: no-such-service",
    });
    await expect(client.sendHeartbeat({ serviceId: "no-such-service" })).rejects.toMatchObject({ status: 404, code: "not_found" });
    const bad = await client.sendHeartbeat({ serviceId: "x", status: "stale" as never }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LaneSwapError);
    expect(bad).toMatchObject({ status: 422, code: "validation_failed", fields: { status: expect.any(String) } });

    await expect(clientFor({ apiKey: "lsk_wrong_wrong_wrong" }).listServices()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    const created = await server.api("/api/keys", { method: "POST", json: { name: uniqueId("reader"), scopes: ["read"] } });
    const { key } = (await created.json()) as { key: string };
    const reader = clientFor({ apiKey: key });
    await expect(reader.listServices()).resolves.toHaveProperty("summary");
    await expect(reader.registerService("nope")).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });

  it("connect() with only a serviceId checks that it exists", async () => {
    await expect(clientFor({ serviceId: uniqueId("missing") }).connect()).rejects.toMatchObject({ code: "not_found" });
    const serviceId = uniqueId("known");
    await clientFor().registerService({ serviceName: "Known", serviceId });
    await using client = clientFor({ serviceId, heartbeatInterval: 0.2 });
    await client.connect();
    await until("a heartbeat", () => client.getService(), (s) => s.status === "healthy");
  });

  it("the top-level functions use the default client, from API_URL and LANESWAP_API_KEY", async () => {
    vi.stubEnv("API_URL", server.url);
    vi.stubEnv("LANESWAP_API_KEY", ADMIN_KEY);
    try {
      const id = await registerService({ serviceName: "From env" });
      await sendHeartbeat({ serviceId: id, status: "degraded", message: "slow" });
      expect(await getService(id)).toMatchObject({ name: "From env", status: "degraded", message: "slow" });
      configure({ apiUrl: "http://127.0.0.1:9", retry: false });
      await expect(getService(id)).rejects.toMatchObject({ code: "network_error" });
      configure({ apiUrl: server.url, apiKey: ADMIN_KEY });
      await expect(getService(id)).resolves.toMatchObject({ id });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("getMonitorUrl links the dashboard on the same server, and does not start one that runs", async () => {
    const serviceId = uniqueId("link") + " x/y";
    const client = clientFor({ serviceId, startCommand: { command: "/nonexistent/laneswap", args: [] } });
    const url = await client.getMonitorUrl({ startIfNeeded: true });
    expect(url).toBe(`${server.url}/?service=${encodeURIComponent(serviceId)}`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
  });

  it("LaneSwap going down: calls reject cleanly, background work reports, nothing crashes; back up: heartbeats resume", async () => {
    const serviceId = uniqueId("downup");
    const errors: { code: string; operation: string }[] = [];
    await using client = clientFor({
      serviceName: "Down and up",
      serviceId,
      heartbeatInterval: 0.2,
      timeout: 1,
      retry: { retries: 1, minDelay: 0.05, maxDelay: 0.2 },
      onError: (error, context) => {
        expect(error).toBeInstanceOf(LaneSwapError);
        errors.push({ code: error.code, operation: context.operation });
      },
    });
    await client.connect();
    await until("a first heartbeat", () => client.getService(), (s) => s.last_heartbeat !== null);
    const wrapped = client.withHeartbeat(async function nightlyJob() {
      return "job result";
    });

    // SIGKILL: `next start` does not exit on SIGTERM while clients keep its keep-alive connections busy (reported).
    await server.kill();

    const started = Date.now();
    const failure = await client.sendHeartbeat({ message: "while down" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LaneSwapError);
    expect(failure).toMatchObject({ status: null, code: "network_error", retryable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(client.getService()).rejects.toBeInstanceOf(LaneSwapError);
    // The host's own work goes on: the wrapped function returns its result, its heartbeats are reported instead.
    await expect(wrapped()).resolves.toBe("job result");
    await until("background failures reported", async () => errors, (e) => e.some((x) => x.operation === "auto-heartbeat") && e.some((x) => x.operation === "with-heartbeat"));
    expect(errors.every((e) => e.code === "network_error" || e.code === "timeout")).toBe(true);

    await server.restart();
    const back = Date.now();
    const service = await until("heartbeats after the restart", () => clientFor().getService(serviceId), (s) => Date.parse(s.last_heartbeat!) >= back - 50);
    expect(service.status).toBe("healthy");
    expect(rejections).toEqual([]);
  });

  it("getMonitorUrl({ startIfNeeded }) starts a server that is down, detached, and waits until it answers", async () => {
    await server.kill();
    const pidFile = path.join(db.dataDir, "started.pid");
    const nextArgs = [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(server.port), "-H", "127.0.0.1"];
    // A small launcher that records its pid (the detached process group's leader) and runs `next start`.
    const launcher = `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
      const c = require("child_process").spawn(process.execPath, ${JSON.stringify(nextArgs)}, { stdio: "inherit" });
      c.on("exit", (code) => process.exit(code ?? 0));`;
    const serviceId = uniqueId("started");
    const client = clientFor({
      serviceId,
      startCommand: {
        command: process.execPath,
        args: ["-e", launcher],
        cwd: process.cwd(),
        env: { DATABASE_URL: db.url, DATA_DIR: db.dataDir, LANESWAP_API_KEY: ADMIN_KEY, PORT: String(server.port), NEXT_TELEMETRY_DISABLED: "1" },
      },
    });
    try {
      const url = await client.getMonitorUrl({ startIfNeeded: true, startTimeout: 90 });
      expect(url).toBe(`${server.url}/?service=${serviceId}`);
      await expect(client.registerService({ serviceName: "After start", serviceId })).resolves.toBe(serviceId);
    } finally {
      const fs = await import("node:fs");
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, "utf8"));
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
        await until("the started server to stop", async () => fetch(`${server.url}/api/health`).then(() => true, () => false), (up) => !up);
      }
    }
    expect(rejections).toEqual([]);
  });

  it("by default startIfNeeded runs this package's own `laneswap server` on the URL's port", async () => {
    // The server above is down (killed by the previous test). The spawned one inherits this environment.
    vi.stubEnv("DATABASE_URL", db.url);
    vi.stubEnv("DATA_DIR", db.dataDir);
    vi.stubEnv("LANESWAP_API_KEY", ADMIN_KEY);
    let pid: number | undefined;
    try {
      expect(await isServerUp(server.url)).toBe(false);
      const started = await ensureServerRunning({ apiUrl: server.url, waitMs: 90_000 });
      pid = started.pid;
      expect(started).toMatchObject({ started: true, pid: expect.any(Number) });
      const client = clientFor();
      await expect(client.getMonitorUrl({ startIfNeeded: true, serviceId: "x" })).resolves.toBe(`${server.url}/?service=x`);
      await expect(client.listServices()).resolves.toHaveProperty("summary");
    } finally {
      vi.unstubAllEnvs();
      if (pid) {
        try {
          process.kill(-pid, "SIGKILL"); // the detached group: the CLI, the web server and the worker
        } catch {
          // already gone
        }
        await until("the started server to stop", () => isServerUp(server.url), (up) => !up);
      }
    }
  }, 120_000);

  it("a remote server that is down cannot be started from here, and says so", async () => {
    const client = new LaneSwapClient({ apiUrl: "http://192.0.2.1:8000", timeout: 0.5 });
    await expect(client.getMonitorUrl({ startIfNeeded: true })).rejects.toMatchObject({ code: "server_unavailable", message: expect.stringMatching(/not this machine/) });
  });
});
