import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextDeadline, sweepStale, type SweepResult } from "../../lib/monitor/sweep-stale";
import type { Ctx } from "../../lib/services/context";
import { registerService } from "../../lib/services/register-service";
import { updateService } from "../../lib/services/update-service";
import { PROVIDERS } from "./harness";
import { beat, type MonitorContext, monitorCtx, startRemoteMonitor, T0 } from "./monitor-context";

// Deadline-driven stale detection, driven directly with a hand-moved clock: a service goes stale exactly when
// (last_heartbeat ?? created_at) + threshold passes, once, and never while paused.

const SECOND = 1000;

async function register(ctx: Ctx, id: string, staleThreshold?: number): Promise<string> {
  await registerService(ctx, { service_name: `Service ${id}`, service_id: id, ...(staleThreshold ? { stale_threshold: staleThreshold } : {}) });
  return id;
}

async function row(ctx: Ctx, id: string) {
  return ctx.db.service.findUniqueOrThrow({ where: { id } });
}

async function flips(ctx: Ctx, id?: string) {
  return ctx.db.event.findMany({ where: { type: "flip", ...(id ? { serviceId: id } : {}) }, orderBy: { id: "asc" } });
}

describe.each(PROVIDERS)("stale sweep on %s", (provider) => {
  let m: MonitorContext;
  let ctx: Ctx;

  beforeEach(async () => {
    m = await monitorCtx(provider);
    ctx = m.ctx;
  });
  afterEach(async () => {
    await m?.drop();
  });

  it("marks a never-beating service stale exactly when created_at + threshold passes", async () => {
    await register(ctx, "quiet");
    expect((await row(ctx, "quiet")).deadline?.toISOString()).toBe(new Date(T0.getTime() + 60 * SECOND).toISOString());

    m.clock.set(T0.getTime() + 60 * SECOND - 1);
    expect(await sweepStale(ctx)).toEqual({ due: 0, marked: 0, latenessMs: [] });
    expect((await row(ctx, "quiet")).status).toBe("unknown");
    expect(await flips(ctx)).toHaveLength(0);

    m.clock.set(T0.getTime() + 60 * SECOND);
    const result = await sweepStale(ctx);
    expect(result).toEqual({ due: 1, marked: 1, latenessMs: [0] });

    const service = await row(ctx, "quiet");
    expect(service.status).toBe("stale");
    expect(service.deadline).toBeNull();
    expect(service.lastHeartbeat).toBeNull();
    expect(service.updatedAt.toISOString()).toBe(m.clock.now().toISOString());
    const [flip, ...more] = await flips(ctx, "quiet");
    expect(more).toEqual([]);
    expect(flip).toMatchObject({
      serviceId: "quiet",
      type: "flip",
      fromStatus: "unknown",
      status: "stale",
      reason: "stale",
      message: "No heartbeat received in 60 seconds",
    });
    expect(flip.at.toISOString()).toBe(m.clock.now().toISOString());
  });

  it("records nothing on a second sweep, however late", async () => {
    await register(ctx, "once");
    m.clock.advance(61 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(1);
    expect(await sweepStale(ctx)).toEqual({ due: 0, marked: 0, latenessMs: [] });
    m.clock.advance(3600 * SECOND);
    expect(await sweepStale(ctx)).toEqual({ due: 0, marked: 0, latenessMs: [] });
    expect(await flips(ctx, "once")).toHaveLength(1);
  });

  it("reports how late it marked a service", async () => {
    await register(ctx, "late");
    m.clock.set(T0.getTime() + 60 * SECOND + 250);
    expect(await sweepStale(ctx)).toEqual({ due: 1, marked: 1, latenessMs: [250] });
  });

  it("moves the deadline with each heartbeat", async () => {
    await register(ctx, "beating");
    m.clock.advance(30 * SECOND);
    await beat(ctx, "beating");
    expect((await row(ctx, "beating")).deadline?.toISOString()).toBe(new Date(T0.getTime() + 90 * SECOND).toISOString());

    m.clock.set(T0.getTime() + 60 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(0);
    m.clock.set(T0.getTime() + 90 * SECOND - 1);
    expect((await sweepStale(ctx)).marked).toBe(0);
    expect((await row(ctx, "beating")).status).toBe("healthy");

    m.clock.set(T0.getTime() + 90 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(1);
    const flip = (await flips(ctx, "beating")).at(-1)!;
    expect(flip).toMatchObject({ fromStatus: "healthy", status: "stale", reason: "stale" });
  });

  it("judges lateness by the server's receive time: each beat restarts the threshold from when it arrived", async () => {
    await register(ctx, "steady");
    for (let i = 1; i <= 10; i++) {
      m.clock.advance(59 * SECOND);
      await beat(ctx, "steady", i % 2 ? "healthy" : "busy");
      expect((await sweepStale(ctx)).marked).toBe(0);
    }
    expect((await row(ctx, "steady")).status).toBe("busy");
    m.clock.advance(60 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(1);
  });

  it("brings a stale service back with a 'recovered' flip when it beats", async () => {
    await register(ctx, "back");
    await beat(ctx, "back");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    expect((await row(ctx, "back")).status).toBe("stale");

    m.clock.advance(5 * SECOND);
    const view = await beat(ctx, "back", "warning", "slow disk");
    expect(view.status).toBe("warning");
    const service = await row(ctx, "back");
    expect(service.deadline?.toISOString()).toBe(new Date(m.clock.now().getTime() + 60 * SECOND).toISOString());
    const recovered = (await flips(ctx, "back")).at(-1)!;
    expect(recovered).toMatchObject({ fromStatus: "stale", status: "warning", reason: "recovered", message: "slow disk" });

    // And it can go stale again, from its new status.
    m.clock.advance(60 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(1);
    expect((await flips(ctx, "back")).map((f) => `${f.fromStatus}→${f.status}:${f.reason}`)).toEqual([
      "unknown→healthy:heartbeat",
      "healthy→stale:stale",
      "stale→warning:recovered",
      "warning→stale:stale",
    ]);
  });

  it("never marks a paused service stale, and resuming restarts the clock", async () => {
    await register(ctx, "paused");
    await beat(ctx, "paused");
    m.clock.advance(10 * SECOND);
    await updateService(ctx, { id: "paused", patch: { paused: true } });
    expect((await row(ctx, "paused")).deadline).toBeNull();

    m.clock.advance(24 * 3600 * SECOND);
    expect(await sweepStale(ctx)).toEqual({ due: 0, marked: 0, latenessMs: [] });
    expect(await nextDeadline(ctx)).toBeNull();
    expect((await row(ctx, "paused")).status).toBe("healthy");

    const resumedAt = m.clock.now().getTime();
    await updateService(ctx, { id: "paused", patch: { paused: false } });
    expect((await row(ctx, "paused")).deadline?.toISOString()).toBe(new Date(resumedAt + 60 * SECOND).toISOString());
    m.clock.set(resumedAt + 60 * SECOND - 1);
    expect((await sweepStale(ctx)).marked).toBe(0);
    m.clock.set(resumedAt + 60 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(1);
    expect((await row(ctx, "paused")).status).toBe("stale");
  });

  it("a paused service that beats still does not go stale", async () => {
    await register(ctx, "paused-beating");
    await updateService(ctx, { id: "paused-beating", patch: { paused: true } });
    await beat(ctx, "paused-beating", "error", "ignored while paused");
    expect((await row(ctx, "paused-beating")).deadline).toBeNull();
    m.clock.advance(3600 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(0);
    expect((await row(ctx, "paused-beating")).status).toBe("error");
  });

  it("respects a per-service stale_threshold, and a changed one", async () => {
    await register(ctx, "fast", 5);
    await register(ctx, "slow", 600);
    await register(ctx, "default");

    m.clock.set(T0.getTime() + 5 * SECOND - 1);
    expect((await sweepStale(ctx)).marked).toBe(0);
    m.clock.set(T0.getTime() + 5 * SECOND);
    expect(await sweepStale(ctx)).toMatchObject({ due: 1, marked: 1 });
    expect((await row(ctx, "fast")).status).toBe("stale");
    expect((await flips(ctx, "fast"))[0].message).toBe("No heartbeat received in 5 seconds");

    m.clock.set(T0.getTime() + 60 * SECOND);
    expect(await sweepStale(ctx)).toMatchObject({ due: 1, marked: 1 });
    expect((await row(ctx, "default")).status).toBe("stale");
    expect((await row(ctx, "slow")).status).toBe("unknown");

    // Shortening the threshold moves the deadline at once: created_at + 120 s has passed already.
    m.clock.set(T0.getTime() + 300 * SECOND);
    await updateService(ctx, { id: "slow", patch: { stale_threshold: 120 } });
    expect((await row(ctx, "slow")).deadline?.toISOString()).toBe(new Date(T0.getTime() + 120 * SECOND).toISOString());
    expect(await sweepStale(ctx)).toMatchObject({ due: 1, marked: 1, latenessMs: [180 * SECOND] });
    expect((await flips(ctx, "slow"))[0].message).toBe("No heartbeat received in 120 seconds");
  });

  it("reads only the services that are due", async () => {
    for (let i = 0; i < 47; i++) await register(ctx, `calm-${String(i).padStart(2, "0")}`);
    for (let i = 0; i < 3; i++) await register(ctx, `due-${i}`, 10);
    expect(await ctx.db.service.count()).toBe(50);

    m.clock.advance(10 * SECOND);
    const result = await sweepStale(ctx);
    expect(result).toEqual({ due: 3, marked: 3, latenessMs: [0, 0, 0] });
    const stale = await ctx.db.service.findMany({ where: { status: "stale" }, orderBy: { id: "asc" } });
    expect(stale.map((s) => s.id)).toEqual(["due-0", "due-1", "due-2"]);
    expect(await sweepStale(ctx)).toEqual({ due: 0, marked: 0, latenessMs: [] });
  });

  it("goes through every due service when there are more than one batch", async () => {
    for (let i = 0; i < 25; i++) await register(ctx, `b-${String(i).padStart(2, "0")}`);
    m.clock.advance(60 * SECOND);
    expect(await sweepStale(ctx, { batch: 7 })).toMatchObject({ marked: 25 });
    expect(await ctx.db.service.count({ where: { status: "stale" } })).toBe(25);
    expect(await flips(ctx)).toHaveLength(25);
  });

  it.runIf(provider === "postgresql")("two sweeps racing in one process on separate clients record one flip per service", async () => {
    const other = await m.connect();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await register(ctx, `race-${String(i).padStart(2, "0")}`));
    m.clock.advance(60 * SECOND);

    const [a, b] = await Promise.all([sweepStale(ctx), sweepStale(other)]);
    expect(a.marked + b.marked).toBe(20);
    const recorded = await flips(ctx);
    expect(recorded).toHaveLength(20);
    expect(new Set(recorded.map((f) => f.serviceId))).toEqual(new Set(ids));
    expect(await ctx.db.service.count({ where: { status: "stale" } })).toBe(20);
  });

  it("two sweeps racing in separate processes record exactly one flip per service", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await register(ctx, `xrace-${String(i).padStart(2, "0")}`));
    m.clock.advance(60 * SECOND);
    const remote = await startRemoteMonitor(m, "sweep");
    try {
      await remote.start();
      const [theirs, ours] = await Promise.all([remote.result(), sweepStale(ctx)]);
      const remoteMarked = (theirs.result as SweepResult).marked;
      expect(remoteMarked + ours.marked).toBe(40);
      const recorded = await flips(ctx);
      expect(recorded).toHaveLength(40);
      expect(new Set(recorded.map((f) => f.serviceId))).toEqual(new Set(ids));
      expect(await ctx.db.service.count({ where: { status: "stale" } })).toBe(40);
    } finally {
      remote.kill();
    }
  });

  it("a heartbeat racing a sweep in another process is never lost, and the flips stay consistent", async () => {
    for (let i = 0; i < 10; i++) await register(ctx, `finish-${i}`);
    m.clock.advance(60 * SECOND);
    const remote = await startRemoteMonitor(m, "sweep");
    try {
      await remote.start();
      await Promise.all([
        remote.result(),
        (async () => {
          for (let i = 0; i < 10; i++) await beat(ctx, `finish-${i}`, "healthy", "just in time");
        })(),
      ]);
    } finally {
      remote.kill();
    }
    for (let i = 0; i < 10; i++) {
      const service = await row(ctx, `finish-${i}`);
      // Whichever came first, the heartbeat arrived and is the service's state now.
      expect(service.status).toBe("healthy");
      expect(service.message).toBe("just in time");
      expect(service.deadline?.toISOString()).toBe(new Date(m.clock.now().getTime() + 60 * SECOND).toISOString());
      const seen = (await flips(ctx, `finish-${i}`)).map((f) => `${f.fromStatus}→${f.status}`);
      expect([["unknown→healthy"], ["unknown→stale", "stale→healthy"]]).toContainEqual(seen);
    }
  });

  it("nextDeadline is the earliest deadline watched", async () => {
    expect(await nextDeadline(ctx)).toBeNull();
    await register(ctx, "n30", 30);
    await register(ctx, "n10", 10);
    await register(ctx, "n20", 20);
    await register(ctx, "n5-paused", 5);
    await updateService(ctx, { id: "n5-paused", patch: { paused: true } });
    expect((await nextDeadline(ctx))?.toISOString()).toBe(new Date(T0.getTime() + 10 * SECOND).toISOString());

    m.clock.advance(10 * SECOND);
    await sweepStale(ctx);
    expect((await nextDeadline(ctx))?.toISOString()).toBe(new Date(T0.getTime() + 20 * SECOND).toISOString());

    m.clock.advance(1 * SECOND);
    await beat(ctx, "n20");
    expect((await nextDeadline(ctx))?.toISOString()).toBe(new Date(T0.getTime() + 30 * SECOND).toISOString());

    m.clock.advance(30 * SECOND);
    await sweepStale(ctx);
    expect(await nextDeadline(ctx)).toBeNull();
    expect(await ctx.db.service.count({ where: { status: "stale" } })).toBe(3);
  });
});
