import { afterAll, describe, expect, it } from "vitest";
import {
  heartbeatSystem,
  LaneSwapError,
  registerService,
  sendHeartbeat,
  withHeartbeat,
  type Notification,
  type Notifier,
} from "../../lib/client/index.js";
import { sqliteStorage } from "../../lib/embedded/sqlite.js";
import { createDatabase, startServer, type TestDatabase } from "./harness";

// In-process mode on LaneSwap's own storage (Prisma, lib/services, the monitor's sweepStale): a stale service is
// detected in real time and a custom notifier hears of it in the SPEC's words; the server then reads the same
// database and sees what the in-process system recorded.

const dbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.drop()));
});

function collector() {
  const seen: Notification[] = [];
  const notifier: Notifier = {
    async send(notification, { signal }) {
      expect(signal).toBeInstanceOf(AbortSignal);
      seen.push(notification);
      return { ok: true };
    },
  };
  return { notifier, seen };
}

describe("heartbeatSystem on sqliteStorage", () => {
  it("detects a stale service within its threshold and calls the notifier; the server sees the same data", async () => {
    const db = await createDatabase("sqlite");
    dbs.push(db);
    const { notifier, seen } = collector();
    let serviceId: string;
    {
      await using system = await heartbeatSystem({
        notifiers: [notifier],
        storage: sqliteStorage({ databaseUrl: db.url }),
        checkInterval: 30,
        staleThreshold: 1,
      });
      serviceId = await registerService({ serviceName: "payments", serviceId: "payments", metadata: { version: "2.1", api_token: "hidden" } });
      const beat = Date.now();
      await sendHeartbeat({ serviceId, status: "healthy", message: "Service is running normally" });
      while (!seen.some((n) => n.title.startsWith("Service Stale")) && Date.now() - beat < 5_000) await new Promise((r) => setTimeout(r, 25));
      const detectedAfter = Date.now() - beat;
      expect(detectedAfter).toBeGreaterThanOrEqual(900);
      expect(detectedAfter).toBeLessThan(3_000);
      const stale = seen.find((n) => n.title === "Service Stale: payments")!;
      expect(stale).toMatchObject({
        kind: "flip",
        message: "No heartbeat received in 1 seconds",
        level: "warning",
        service: { id: "payments", name: "payments", status: "stale", message: "Service is running normally", staleThresholdSeconds: 1 },
      });
      expect(stale.service.metadata).toMatchObject({ version: "2.1" });

      await sendHeartbeat({ serviceId, status: "healthy", message: "back" });
      await system.flush();
      expect(seen.at(-1)).toMatchObject({
        title: "Service Status Change: payments",
        message: "Status changed from stale to healthy: back",
        level: "success",
      });
      expect((await system.getService(serviceId)).events!.filter((e) => e.type === "flip").map((e) => [e.from, e.status, e.reason])).toEqual([
        ["unknown", "healthy", "heartbeat"],
        ["healthy", "stale", "stale"],
        ["stale", "healthy", "recovered"],
      ]);

      const job = withHeartbeat(async function settle() {
        return 1;
      }, { serviceId });
      await job();
      expect((await system.getService(serviceId)).message).toBe("Operation completed: settle");
      const list = await system.listServices();
      expect(list.summary.total).toBe(1);

      // Errors come back as the client's LaneSwapError, as from a server.
      const missing = await sendHeartbeat({ serviceId: "nope" }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(LaneSwapError);
      expect(missing).toMatchObject({ status: 404, code: "not_found", detail: "Service not found: nope" });
      await expect(sendHeartbeat({ serviceId, status: "unknown" as never })).rejects.toMatchObject({ status: 422 });
    }

    const server = await startServer(db);
    try {
      const res = await server.api("/api/services/payments");
      const body = (await res.json()) as { status: string; events: { type: string; status: string; message: string | null }[] };
      expect(body.status).toBe("healthy");
      expect(body.events.filter((e) => e.type === "flip").map((e) => [e.status, e.message])).toEqual([
        ["healthy", "Service is running normally"],
        ["stale", "No heartbeat received in 1 seconds"],
        ["healthy", "back"],
        ["busy", "Starting operation: settle"],
        ["healthy", "Operation completed: settle"],
      ]);
    } finally {
      await server.stop();
    }
  });

  it("runs on PostgreSQL too, with an injected clock", async () => {
    const db = await createDatabase("postgresql");
    dbs.push(db);
    const { notifier, seen } = collector();
    let now = new Date("2031-05-01T12:00:00.000Z");
    await using system = await heartbeatSystem({
      notifiers: [notifier],
      storage: sqliteStorage({ databaseUrl: db.url }),
      staleThreshold: 60,
      now: () => now,
    });
    await system.registerService({ serviceName: "never beats", serviceId: "quiet" });
    await system.registerService({ serviceName: "own threshold", serviceId: "fast", staleThreshold: 10 });
    now = new Date(now.getTime() + 10_000);
    expect(await system.check()).toBe(1);
    now = new Date(now.getTime() + 50_000);
    expect(await system.check()).toBe(1);
    await system.flush();
    expect(seen.map((n) => [n.title, n.message, n.at])).toEqual([
      ["Service Stale: own threshold", "No heartbeat received in 10 seconds", "2031-05-01T12:00:10.000Z"],
      ["Service Stale: never beats", "No heartbeat received in 60 seconds", "2031-05-01T12:01:00.000Z"],
    ]);
    expect((await system.listServices()).summary.status_counts.stale).toBe(2);
  });
});
