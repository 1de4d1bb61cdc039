import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  activeSystem,
  getDefaultClient,
  heartbeatSystem,
  LaneSwapError,
  memoryStorage,
  registerService,
  sendHeartbeat,
  getService,
  withHeartbeat,
  type Notification,
  type Notifier,
  type Storage,
} from "../../lib/client/index.js";
import type { Notifier as ServerNotifier } from "../../lib/notify/notifier";
import { discordNotifier } from "../../lib/notify/discord";

/** A notifier that keeps what it is told. */
function collector() {
  const seen: Notification[] = [];
  const notifier: Notifier = {
    async send(notification) {
      seen.push(notification);
      return { ok: true };
    },
  };
  return { notifier, seen, said: () => seen.map((n) => [n.title, n.message, n.level]) };
}

function clock(start = "2030-01-01T00:00:00.000Z") {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (seconds: number) => void (t += seconds * 1000) };
}

const systems: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.stop()));
});

async function start(options: Parameters<typeof heartbeatSystem>[0]) {
  const system = await heartbeatSystem(options);
  systems.push(system);
  return system;
}

describe("heartbeatSystem (memory storage, injected clock)", () => {
  it("notifies status changes and staleness with the SPEC's wording and levels", async () => {
    const { notifier, said, seen } = collector();
    const time = clock();
    const system = await start({ notifiers: [notifier], staleThreshold: 60, now: time.now });
    const id = await system.registerService({ serviceName: "my-api-service", metadata: { version: "1.0.0" } });
    expect((await system.getService(id)).status).toBe("unknown");

    await system.sendHeartbeat({ serviceId: id, status: "healthy", message: "Service is running normally" });
    await system.sendHeartbeat({ serviceId: id, status: "warning", message: "disk 91%" });
    time.advance(59);
    expect(await system.check()).toBe(0);
    time.advance(1);
    expect(await system.check()).toBe(1);
    await system.sendHeartbeat({ serviceId: id, status: "healthy", message: "back" });
    await system.flush();

    expect(said()).toEqual([
      // unknown → healthy (the first heartbeat) is not notified
      ["Service Status Change: my-api-service", "Status changed from healthy to warning: disk 91%", "warning"],
      ["Service Stale: my-api-service", "No heartbeat received in 60 seconds", "warning"],
      ["Service Status Change: my-api-service", "Status changed from stale to healthy: back", "success"],
    ]);
    expect(seen[1].service).toMatchObject({ id, name: "my-api-service", status: "stale", metadata: { version: "1.0.0" } });
    expect(seen[1].at).toBe("2030-01-01T00:01:00.000Z");
    expect(seen[1].kind).toBe("flip");

    const service = await system.getService(id);
    expect(service.status).toBe("healthy");
    expect(service.events!.filter((e) => e.type === "flip").map((e) => [e.from, e.status, e.reason])).toEqual([
      ["unknown", "healthy", "heartbeat"],
      ["healthy", "warning", "heartbeat"],
      ["warning", "stale", "stale"],
      ["stale", "healthy", "recovered"],
    ]);
  });

  it("a service that never beats goes stale and is notified; per-service thresholds win", async () => {
    const { notifier, said } = collector();
    const time = clock();
    const system = await start({ notifiers: [notifier], staleThreshold: 60, now: time.now });
    await system.registerService({ serviceName: "quiet", serviceId: "quiet" });
    await system.registerService({ serviceName: "fast", serviceId: "fast", staleThreshold: 5 });
    time.advance(5);
    expect(await system.check()).toBe(1);
    time.advance(55);
    expect(await system.check()).toBe(1);
    expect(await system.check()).toBe(0);
    await system.flush();
    expect(said()).toEqual([
      ["Service Stale: fast", "No heartbeat received in 5 seconds", "warning"],
      ["Service Stale: quiet", "No heartbeat received in 60 seconds", "warning"],
    ]);
    const list = await system.listServices();
    expect(list.summary).toMatchObject({ total: 2, status_counts: { stale: 2, healthy: 0 } });
  });

  it("notifyFirstHeartbeat tells about unknown → healthy too", async () => {
    const { notifier, said } = collector();
    const system = await start({ notifiers: [notifier], notifyFirstHeartbeat: true });
    const id = await system.registerService("svc");
    await system.sendHeartbeat({ serviceId: id });
    await system.flush();
    expect(said()).toEqual([["Service Status Change: svc", "Status changed from unknown to healthy", "info"]]);
  });

  it("validates like the REST API and fails with LaneSwapError", async () => {
    const system = await start({});
    const id = await system.registerService("svc");
    const stale = await system.sendHeartbeat({ serviceId: id, status: "stale" as never }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(LaneSwapError);
    expect(stale).toMatchObject({ status: 422, code: "validation_failed", fields: { status: expect.stringMatching(/set by LaneSwap/) } });
    await expect(system.sendHeartbeat({ serviceId: "nope" })).rejects.toMatchObject({ status: 404, code: "not_found", detail: "Service not found: nope" });
    await expect(system.registerService({ serviceName: "x", serviceId: "bad id!" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(system.registerService({ serviceName: " " })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(system.sendHeartbeat({} as never)).rejects.toMatchObject({ code: "no_service" });
  });

  it("re-registering an id renames it and merges metadata", async () => {
    const system = await start({});
    await system.registerService({ serviceName: "a", serviceId: "svc", metadata: { x: 1, y: 1 } });
    await system.registerService({ serviceName: "b", serviceId: "svc", metadata: { y: 2 } });
    await system.sendHeartbeat({ serviceId: "svc", metadata: { z: 3 } });
    expect(await system.getService("svc")).toMatchObject({ name: "b", metadata: { x: 1, y: 2, z: 3 }, status: "healthy" });
  });

  it("retries a notifier that fails retryably, reports one that keeps failing, and others still get it", async () => {
    const good = collector();
    let calls = 0;
    const flaky: Notifier = {
      async send() {
        calls += 1;
        if (calls === 1) throw new Error("socket hang up");
        return { ok: true };
      },
    };
    const broken: Notifier = { send: async () => ({ ok: false, retryable: false, gone: true, error: "HTTP 404" }) };
    const errors: LaneSwapError[] = [];
    const time = clock();
    const system = await start({ notifiers: [broken, flaky, good.notifier], onError: (e) => errors.push(e), now: time.now, staleThreshold: 1 });
    await system.registerService("svc");
    time.advance(2);
    await system.check();
    await system.flush();
    expect(calls).toBe(2);
    expect(good.seen).toHaveLength(1);
    expect(errors.map((e) => [e.code, e.message])).toEqual([["notify_failed", 'Notifier 1 could not send "Service Stale: svc": HTTP 404']]);
  });

  it("detects staleness in real time, by the deadline, not the check interval", async () => {
    const { notifier, seen } = collector();
    const system = await start({ notifiers: [notifier], staleThreshold: 0.3, checkInterval: 30 });
    const started = Date.now();
    const id = await system.registerService("rt");
    await system.sendHeartbeat({ serviceId: id });
    while (seen.length === 0 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((n) => n.title)).toEqual(["Service Stale: rt"]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await system.getService(id)).status).toBe("stale");
  });

  it("binds the top-level functions while it runs, and `await using` stops it", async () => {
    const { notifier, said } = collector();
    let id: string;
    {
      await using system = await heartbeatSystem({ notifiers: [notifier], staleThreshold: 60 });
      expect(activeSystem()).toBe(system);
      id = await registerService({ serviceName: "bound" });
      await sendHeartbeat({ serviceId: id, status: "degraded", message: "slow" });
      const job = withHeartbeat(async function processData() {
        return { processed: true };
      }, { serviceId: id });
      await expect(job()).resolves.toEqual({ processed: true });
      const service = await getService(id);
      expect(service.status).toBe("healthy");
      expect(service.message).toBe("Operation completed: processData");
      expect(typeof service.metadata.execution_time).toBe("number");
      await system.flush();
      expect(said().map(([title, message]) => `${title} | ${message}`)).toEqual([
        "Service Status Change: bound | Status changed from unknown to degraded: slow",
        "Service Status Change: bound | Status changed from degraded to busy: Starting operation: processData",
        "Service Status Change: bound | Status changed from busy to healthy: Operation completed: processData",
      ]);
      expect(system.running).toBe(true);
    }
    expect(activeSystem()).toBeUndefined();
    // Afterwards the top-level functions are the default client's again (from the environment).
    expect(getDefaultClient().apiUrl).toMatch(/^http/);
  });

  it("stop() is idempotent and stops checking", async () => {
    const system = await heartbeatSystem({ staleThreshold: 0.05 });
    await system.registerService({ serviceName: "x", serviceId: "x" });
    await Promise.all([system.stop(), system.stop()]);
    await system.stop();
    expect(system.running).toBe(false);
    expect(await system.check()).toBe(0);
  });

  it("a storage that fails to check reports the failure and keeps running", async () => {
    const errors: unknown[] = [];
    const inner = memoryStorage();
    let fail = false;
    const storage: Storage = {
      ...inner,
      markStale: () => (fail ? Promise.reject(new Error("disk full")) : inner.markStale()),
    };
    const system = await start({ storage, onError: (e) => errors.push(e), staleThreshold: 0.05 });
    fail = true;
    await system.registerService("x");
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.length).toBeGreaterThan(0);
    expect(system.running).toBe(true);
    fail = false;
    expect(await system.check()).toBe(1);
  });

  it("takes the server's own notifiers (the same Notifier type)", () => {
    expectTypeOf<Notifier>().toEqualTypeOf<ServerNotifier>();
    const discord = discordNotifier({ url: "https://discord.com/api/webhooks/1/x", defaultUsername: "LaneSwap Monitor" });
    expectTypeOf(discord).toMatchTypeOf<Notifier>();
  });
});
