import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../lib/core/errors";
import { pgPool, sqliteConnection, sqliteFilePath } from "../../lib/db/client";
import { sweepStale } from "../../lib/monitor/sweep-stale";
import type { Ctx } from "../../lib/services/context";
import { deleteService } from "../../lib/services/delete-service";
import { getService } from "../../lib/services/get-service";
import { recordHeartbeat } from "../../lib/services/record-heartbeat";
import { recordSteadyHeartbeatPg } from "../../lib/services/record-heartbeat-postgres";
import { recordSteadyHeartbeat } from "../../lib/services/record-heartbeat-sqlite";
import { registerService } from "../../lib/services/register-service";
import { updateService } from "../../lib/services/update-service";
import { serviceJson, type ServiceView } from "../../lib/services/service-view";
import { PROVIDERS } from "./harness";
import { monitorCtx, type MonitorContext } from "./monitor-context";

// A heartbeat that keeps the status takes the steady path (one synchronous statement batch on SQLite); one that
// changes it takes the Prisma path, which also writes the flip. Whichever path ran, the stored rows and the answer
// must be the same, and bad input must change nothing.

const SECOND = 1000;

describe.each(PROVIDERS)("heartbeat paths on %s", (provider) => {
  let m: MonitorContext;
  let ctx: Ctx;

  beforeEach(async () => {
    m = await monitorCtx(provider, { HISTORY_HEARTBEATS: "5", HEARTBEAT_STALE_THRESHOLD: "30" });
    ctx = m.ctx;
    await registerService(ctx, { service_name: "API", service_id: "api", metadata: { region: "eu" } });
  });
  afterEach(() => m.drop());

  const beat = (input: Parameters<typeof recordHeartbeat>[1]["input"], withEvents?: boolean) =>
    recordHeartbeat(ctx, { id: "api", input, withEvents });

  it("answers exactly what GET /api/services/{id} answers, events oldest first, flips included", async () => {
    await beat({ status: "degraded", message: 'quotes " and ünïcode\nnew line' });
    let view!: ServiceView;
    for (let i = 0; i < 3; i++) {
      m.clock.advance(SECOND);
      view = await beat({ status: "degraded", message: i === 1 ? null : `beat ${i}`, metadata: { disk: 90 + i } });
    }
    m.clock.advance(SECOND);
    view = await beat({ status: "degraded", message: "ünïcode \u0001 \\ / \"q\"" });
    const stored = await getService(ctx, { id: "api" });
    expect(serviceJson(view)).toBe(JSON.stringify(stored));
    expect(JSON.stringify(view)).toBe(JSON.stringify(stored));
    expect(view.events!.map((e) => `${e.type}:${e.status}`)).toEqual([
      "heartbeat:degraded",
      "flip:degraded",
      "heartbeat:degraded",
      "heartbeat:degraded",
      "heartbeat:degraded",
      "heartbeat:degraded",
    ]);
    expect(view.events![1]).toMatchObject({ from: "unknown", reason: "heartbeat" });
    expect(view.metadata).toEqual({ region: "eu", disk: 92 });
    expect(view.last_heartbeat).toBe(m.clock.now().toISOString());
  });

  it("answers GET's events after every kind of write: its own, flips, another process's, minimal answers, trims", async () => {
    const other = await m.connect(); // another process on the same database, as the worker is
    const same = async (view: ServiceView) => expect(serviceJson(view)).toBe(JSON.stringify(await getService(ctx, { id: "api" })));
    await beat({ status: "healthy" });
    for (let i = 0; i < 25; i++) {
      m.clock.advance(SECOND);
      const step = i % 5;
      if (step === 1) await recordHeartbeat(other, { id: "api", input: { status: i % 2 ? "degraded" : "healthy", message: `other ${i}` } });
      if (step === 2) await beat({ status: "error", message: `flip ${i}` });
      if (step === 3) await beat({ status: "error", message: `minimal ${i}` }, false);
      if (step === 4) await sweepStale({ ...ctx, now: () => new Date(m.clock.now().getTime() + 3600 * SECOND) });
      await same(await beat({ status: "healthy", message: `beat ${i}` }));
    }
    // Only its own heartbeats, past trims (HISTORY_HEARTBEATS is 5 here: a trim reaches the newest events).
    for (let i = 0; i < 25; i++) {
      m.clock.advance(SECOND);
      await same(await beat({ status: "healthy", message: `steady ${i}` }));
    }
    // An entry another process committed after ours with a smaller id (ids made in the same millisecond by two
    // processes need not follow commit order).
    await other.db.event.create({
      data: { id: "00000000-0000-7000-8000-000000000000", serviceId: "api", type: "flip", status: "healthy", fromStatus: "error", at: m.clock.now() },
    });
    await same(await beat({ status: "healthy", message: "after a late entry" }));
  });

  it("sees what this process or another changed in the service between heartbeats", async () => {
    const other = await m.connect(); // another process on the same database
    await beat({ status: "healthy" });
    const deadline = async () => (await ctx.db.service.findUniqueOrThrow({ where: { id: "api" } })).deadline?.toISOString() ?? null;
    const changes: [Ctx, Parameters<typeof updateService>[1]["patch"]][] = [
      [ctx, { stale_threshold: 90 }],
      [other, { stale_threshold: 45 }],
      [other, { paused: true }],
      [ctx, { paused: false, name: "Renamed" }],
    ];
    for (const [by, patch] of changes) {
      m.clock.advance(SECOND);
      await beat({ status: "healthy" });
      await updateService(by, { id: "api", patch });
      m.clock.advance(SECOND);
      const view = await beat({ status: "healthy", message: JSON.stringify(patch) });
      expect(serviceJson(view)).toBe(JSON.stringify(await getService(ctx, { id: "api" })));
      const service = await getService(ctx, { id: "api" });
      expect(await deadline()).toBe(service.paused ? null : new Date(m.clock.now().getTime() + service.stale_threshold * SECOND).toISOString());
    }
    expect((await getService(ctx, { id: "api" })).name).toBe("Renamed");
    // Metadata merged by another process is kept by the next merge here.
    await recordHeartbeat(other, { id: "api", input: { status: "healthy", metadata: { from: "other" } } });
    const merged = await beat({ status: "healthy", metadata: { from_here: true } });
    expect(merged.metadata).toEqual({ region: "eu", from: "other", from_here: true });
    // Deleted by another process: the next heartbeat is refused, and writes nothing.
    await deleteService(other, { id: "api" });
    const error = await beat({ status: "healthy" }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("not_found");
    expect(await ctx.db.event.count({ where: { serviceId: "api" } })).toBe(0);
  });

  it("leaves the events out when asked, and stores the same", async () => {
    await beat({ status: "healthy" });
    const view = await beat({ status: "healthy", message: "quiet" }, false);
    expect(view).not.toHaveProperty("events");
    const { events, ...rest } = await getService(ctx, { id: "api" });
    expect(events).toHaveLength(3);
    expect(JSON.stringify(view)).toBe(JSON.stringify(rest));
  });

  it("keeps the newest HISTORY_HEARTBEATS heartbeats and every flip", async () => {
    for (let i = 0; i < 23; i++) {
      m.clock.advance(SECOND);
      await beat({ status: i < 12 ? "healthy" : "error", message: `beat ${i}` });
    }
    const rows = await ctx.db.event.findMany({ where: { serviceId: "api" }, orderBy: { id: "asc" } });
    const heartbeats = rows.filter((r) => r.type === "heartbeat");
    expect(rows.filter((r) => r.type === "flip").map((r) => r.status)).toEqual(["healthy", "error"]);
    // Trimmed on every 10th heartbeat: between HISTORY_HEARTBEATS and HISTORY_HEARTBEATS + 9 remain, the newest.
    expect(heartbeats.length).toBeGreaterThanOrEqual(5);
    expect(heartbeats.length).toBeLessThan(5 + 10);
    expect(heartbeats.at(-1)!.message).toBe("beat 22");
    expect((await ctx.db.service.findUniqueOrThrow({ where: { id: "api" } })).beatCount).toBe(23);
  });

  it("keeps at least one heartbeat with HISTORY_HEARTBEATS=1", async () => {
    const one = await m.connect({ HISTORY_HEARTBEATS: "1" });
    for (let i = 0; i < 21; i++) await recordHeartbeat(one, { id: "api", input: { status: "healthy", message: `beat ${i}` } });
    const heartbeats = await one.db.event.findMany({ where: { serviceId: "api", type: "heartbeat" }, orderBy: { id: "asc" } });
    expect(heartbeats.length).toBeGreaterThanOrEqual(1);
    expect(heartbeats.length).toBeLessThanOrEqual(11);
    expect(heartbeats.at(-1)!.message).toBe("beat 20");
  });

  it("moves the deadline so the monitor flips the service exactly when it passes", async () => {
    await beat({ status: "healthy" });
    m.clock.advance(20 * SECOND);
    await beat({ status: "healthy" });
    const service = await ctx.db.service.findUniqueOrThrow({ where: { id: "api" } });
    expect(service.deadline?.toISOString()).toBe(new Date(m.clock.now().getTime() + 30 * SECOND).toISOString());
    m.clock.advance(30 * SECOND - 1);
    expect((await sweepStale(ctx)).marked).toBe(0);
    m.clock.advance(1);
    expect((await sweepStale(ctx)).marked).toBe(1);
    // Stale, then a heartbeat: a recovery flip, through the Prisma path.
    const back = await beat({ status: "healthy", message: "back" });
    expect(back.events!.at(-1)).toMatchObject({ type: "flip", from: "stale", status: "healthy", reason: "recovered" });
  });

  it("refuses metadata that would grow past the limit and changes nothing", async () => {
    await beat({ status: "healthy", metadata: { a: "x".repeat(9000) } });
    const before = await getService(ctx, { id: "api" });
    const error = await beat({ status: "healthy", metadata: { b: "y".repeat(9000) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("validation_failed");
    expect(JSON.stringify(await getService(ctx, { id: "api" }))).toBe(JSON.stringify(before));
  });

  it("answers 404 for an unknown service and writes nothing", async () => {
    const error = await recordHeartbeat(ctx, { id: "nope", input: { status: "healthy" } }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("not_found");
    expect(await ctx.db.event.count({ where: { serviceId: "nope" } })).toBe(0);
  });

  it.runIf(provider === "sqlite")("stores dates exactly as Prisma does, so both compare as text", async () => {
    await beat({ status: "healthy" }); // the first heartbeat flips: the Prisma path
    m.clock.advance(SECOND);
    await beat({ status: "healthy" }); // the steady path
    const raw = await ctx.db.$queryRawUnsafe<{ type: string; at: string }[]>(
      `SELECT type, at || '' AS at FROM events WHERE service_id = 'api' ORDER BY id`,
    );
    const [service] = await ctx.db.$queryRawUnsafe<{ last_heartbeat: string; updated_at: string; deadline: string }[]>(
      `SELECT last_heartbeat || '' AS last_heartbeat, updated_at || '' AS updated_at, deadline || '' AS deadline
       FROM services WHERE id = 'api'`,
    );
    const format = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;
    for (const value of [...raw.map((r) => r.at), service.last_heartbeat, service.updated_at, service.deadline]) {
      expect(value).toMatch(format);
    }
    expect(raw.map((r) => r.type)).toEqual(["heartbeat", "flip", "heartbeat"]);
  });

  it.runIf(provider === "sqlite")("steps aside for a flip and while a Prisma transaction holds the connection", async () => {
    const conn = sqliteConnection(ctx.db)!;
    expect(conn).not.toBeNull();
    await beat({ status: "healthy" });
    const count = () => ctx.db.event.count({ where: { serviceId: "api" } });
    // A status change is the Prisma path's: nothing written here.
    expect(await recordSteadyHeartbeat(ctx, conn, { id: "api", input: { status: "error" }, withEvents: true })).toBeNull();
    expect(await count()).toBe(2);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const transaction = ctx.db.$transaction(async (tx) => {
      await tx.service.update({ where: { id: "api" }, data: { name: "API (renamed)" } });
      inside();
      await held;
    });
    await entered;
    expect(await recordSteadyHeartbeat(ctx, conn, { id: "api", input: { status: "healthy" }, withEvents: true })).toBeNull();
    // The heartbeat waits for the transaction, then is recorded after it.
    let done = false;
    const heartbeat = beat({ status: "healthy", message: "after" }).then((v) => ((done = true), v));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    release();
    await transaction;
    const view = await heartbeat;
    expect(view.name).toBe("API (renamed)");
    expect(view.message).toBe("after");
    expect(await count()).toBe(3);
  });

  it.runIf(provider === "sqlite")("writes the heartbeats of one event-loop turn in one commit, each settled on its own", async () => {
    const conn = sqliteConnection(ctx.db)!;
    const ids = ["a", "b", "c", "d", "bad"];
    for (const id of ids) {
      await registerService(ctx, { service_name: id, service_id: id });
      await recordHeartbeat(ctx, { id, input: { status: "healthy" } }); // the first heartbeat flips: the Prisma path
    }
    const to = (id: string, input: Parameters<typeof recordHeartbeat>[1]["input"]) => recordHeartbeat(ctx, { id, input, withEvents: false });
    // Frames the WAL holds after some steady heartbeats: every commit writes each page it changed once.
    const framesWritten = async (send: () => Promise<unknown>) => {
      conn.pragma("wal_checkpoint(TRUNCATE)");
      await send();
      return Number((conn.pragma("wal_checkpoint(PASSIVE)") as { log: number | bigint }[])[0].log);
    };
    const one = ["a", "b", "c", "d"];
    const apart = await framesWritten(async () => {
      for (const id of one) await to(id, { status: "healthy" });
    });
    const together = await framesWritten(() => Promise.all(one.map((id) => to(id, { status: "healthy" }))));
    expect(together).toBeGreaterThan(0);
    expect(together).toBeLessThan(apart / 2);

    // A heartbeat that fails after writing (this service's stored metadata is not JSON, which only the answer reads)
    // leaves no trace and fails alone; an unknown service answers 404; a service whose heartbeat flips keeps the
    // order of its later heartbeats of the same turn (they follow it through the Prisma path).
    await ctx.db.$executeRawUnsafe(`UPDATE services SET metadata = '{' WHERE id = 'bad'`);
    const before = await ctx.db.service.findUniqueOrThrow({ where: { id: "bad" }, select: { beatCount: true } });
    const eventsBefore = await ctx.db.event.count({ where: { serviceId: "bad" } });
    const outcomes = await Promise.allSettled([
      to("a", { status: "healthy", message: "a1" }),
      to("bad", { status: "healthy", message: "lost" }),
      to("nope", { status: "healthy" }),
      to("b", { status: "degraded", message: "b1" }),
      to("b", { status: "healthy", message: "b2" }),
      to("a", { status: "healthy", message: "a2" }),
    ]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? `${o.value.status}:${o.value.message}` : o.reason.constructor.name))).toEqual([
      "healthy:a1",
      "SyntaxError",
      "AppError",
      "degraded:b1",
      "healthy:b2",
      "healthy:a2",
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason.code).toBe("not_found");
    expect(await ctx.db.service.findUniqueOrThrow({ where: { id: "bad" }, select: { beatCount: true } })).toEqual(before);
    expect(await ctx.db.event.count({ where: { serviceId: "bad" } })).toBe(eventsBefore);
    const b = await getService(ctx, { id: "b" });
    expect({ status: b.status, message: b.message }).toEqual({ status: "healthy", message: "b2" });
    expect(b.events!.slice(-4).map((e) => `${e.type}:${e.status}`)).toEqual([
      "heartbeat:degraded",
      "flip:degraded",
      "heartbeat:healthy",
      "flip:healthy",
    ]);
    expect((await getService(ctx, { id: "a" })).message).toBe("a2");
  });

  it.runIf(provider === "sqlite")("fails the whole batch, writing nothing, when its transaction cannot be had", async () => {
    await beat({ status: "healthy" });
    const conn = sqliteConnection(ctx.db)!;
    const before = await getService(ctx, { id: "api" });
    // Another process holds the write lock past this connection's (shortened) busy timeout.
    const other = new Database(sqliteFilePath(m.database.url));
    other.exec("BEGIN IMMEDIATE");
    conn.pragma("busy_timeout = 50");
    try {
      const outcomes = await Promise.allSettled([beat({ status: "healthy", message: "one" }), beat({ status: "healthy", message: "two" })]);
      expect(outcomes.map((o) => (o.status === "rejected" ? (o.reason as { code?: string }).code : o.status))).toEqual([
        "SQLITE_BUSY",
        "SQLITE_BUSY",
      ]);
    } finally {
      conn.pragma("busy_timeout = 15000");
      other.exec("ROLLBACK");
      other.close();
    }
    expect(JSON.stringify(await getService(ctx, { id: "api" }))).toBe(JSON.stringify(before));
  });

  it.runIf(provider === "postgresql")("writes the heartbeats of one event-loop turn in one transaction, each settled on its own", async () => {
    for (const id of ["a", "b", "c", "d"]) {
      await registerService(ctx, { service_name: id, service_id: id });
      await recordHeartbeat(ctx, { id, input: { status: "healthy" } }); // the first heartbeat flips: the Prisma path
    }
    // Which transaction wrote each log entry.
    await ctx.db.$executeRawUnsafe(`CREATE TABLE entry_tx (event_id text, tx bigint)`);
    await ctx.db.$executeRawUnsafe(`CREATE FUNCTION note_tx() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message = 'boom' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        INSERT INTO entry_tx VALUES (NEW.id, txid_current()); RETURN NEW;
      END $$`);
    await ctx.db.$executeRawUnsafe(`CREATE TRIGGER note_tx AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION note_tx()`);
    const to = (id: string, input: Parameters<typeof recordHeartbeat>[1]["input"], withEvents = false) =>
      recordHeartbeat(ctx, { id, input, withEvents });
    const transactionsOf = async (messages: string[]) =>
      (
        await ctx.db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(DISTINCT t.tx)::int AS n FROM entry_tx t JOIN events e ON e.id = t.event_id WHERE e.message = ANY($1)`,
          messages,
        )
      )[0].n;

    // Steady heartbeats to different services, one to an unknown service, a flip followed by a heartbeat of the same
    // service (it follows the flip through the Prisma path), and a second steady heartbeat of a service in the same
    // turn (it waits for the next batch): each answered on its own, in order.
    const outcomes = await Promise.allSettled([
      to("a", { status: "healthy", message: "a1" }, true),
      to("nope", { status: "healthy" }),
      to("b", { status: "degraded", message: "b1" }),
      to("c", { status: "healthy", message: "c1" }),
      to("b", { status: "healthy", message: "b2" }),
      to("a", { status: "healthy", message: "a2" }),
    ]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? `${o.value.status}:${o.value.message}` : o.reason.code))).toEqual([
      "healthy:a1",
      "not_found",
      "degraded:b1",
      "healthy:c1",
      "healthy:b2",
      "healthy:a2",
    ]);
    expect(await transactionsOf(["a1", "c1"])).toBe(1);
    expect(await transactionsOf(["a1", "a2"])).toBe(2);
    const a1 = (outcomes[0] as PromiseFulfilledResult<ServiceView>).value;
    expect(a1.events!.at(-1)).toMatchObject({ type: "heartbeat", message: "a1" });
    const a = await getService(ctx, { id: "a" });
    expect(a.message).toBe("a2");
    expect(a.events!.slice(-2).map((e) => e.message)).toEqual(["a1", "a2"]);
    // Through the Prisma path each takes its own connection: which of b1 and b2 commits first is the order they reach
    // the row lock. Either way both are recorded, and the service shows its newest entry.
    const b = await getService(ctx, { id: "b" });
    const heartbeats = b.events!.filter((e) => e.type === "heartbeat");
    expect(heartbeats.slice(-2).map((e) => e.message).sort()).toEqual(["b1", "b2"]);
    expect({ status: b.status, message: b.message }).toEqual({ status: heartbeats.at(-1)!.status, message: heartbeats.at(-1)!.message });

    // A batch that fails before its commit writes nothing; its heartbeats go through the Prisma path one by one,
    // where only the one at fault fails.
    const counts = async () =>
      (await ctx.db.service.findMany({ where: { id: { in: ["a", "c", "d"] } }, orderBy: { id: "asc" } })).map((s) => s.beatCount);
    const before = await counts();
    const failed = await Promise.allSettled([
      to("a", { status: "healthy", message: "a3" }),
      to("c", { status: "healthy", message: "boom" }),
      to("d", { status: "healthy", message: "d3" }),
    ]);
    expect(failed.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await counts()).toEqual([before[0] + 1, before[1], before[2] + 1]);
    expect(await transactionsOf(["a3", "d3"])).toBe(2);
  });

  it.runIf(provider === "postgresql")("records a steady beat in its own short transaction and steps aside for a flip or metadata", async () => {
    await beat({ status: "healthy" });
    const pool = pgPool(ctx.db)!;
    expect(pool).not.toBeNull();
    const count = () => ctx.db.event.count({ where: { serviceId: "api" } });
    const steady = (input: Parameters<typeof recordHeartbeat>[1]["input"]) =>
      recordSteadyHeartbeatPg(ctx, pool, { id: "api", input, withEvents: true });
    expect(await steady({ status: "error" })).toBeNull();
    expect(await steady({ status: "healthy", metadata: { a: 1 } })).toBeNull();
    expect(await count()).toBe(2);
    m.clock.advance(SECOND);
    const view = await steady({ status: "healthy", message: "one statement" });
    expect(view?.events).toHaveLength(3);
    expect(JSON.stringify(view)).toBe(JSON.stringify(await getService(ctx, { id: "api" })));
    // Heartbeats racing on one service, the clock moving on: all recorded, and the service shows the newest entry.
    let tick = m.clock.now().getTime() + 1000;
    const racing = { ...ctx, now: () => new Date(tick++) };
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordSteadyHeartbeatPg(racing, pool, { id: "api", input: { status: "healthy", message: `r${i}` }, withEvents: false }),
      ),
    );
    const row = await ctx.db.service.findUniqueOrThrow({ where: { id: "api" } });
    const newest = await ctx.db.event.findFirstOrThrow({ where: { serviceId: "api" }, orderBy: { id: "desc" } });
    expect(row.beatCount).toBe(22);
    expect({ message: row.message, at: row.lastHeartbeat?.toISOString() }).toEqual({ message: newest.message, at: newest.at.toISOString() });
    expect(row.lastHeartbeat?.getTime()).toBe(tick - 1);
    expect(await count()).toBeGreaterThanOrEqual(6);
  });
});
