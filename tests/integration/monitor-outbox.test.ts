import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Level, Notification } from "../../lib/core/notification";
import type { ClientStatus } from "../../lib/core/status";
import { endFlapping } from "../../lib/monitor/end-flapping";
import { sendReminders } from "../../lib/monitor/send-reminders";
import { sweepStale } from "../../lib/monitor/sweep-stale";
import { createChannel } from "../../lib/services/channels/create-channel";
import { listChannels } from "../../lib/services/channels/list-channels";
import type { Ctx } from "../../lib/services/context";
import { registerService } from "../../lib/services/register-service";
import { ENV_CHANNEL_ID, syncEnvChannel } from "../../lib/services/sync-env-channel";
import { updateService } from "../../lib/services/update-service";
import { PROVIDERS } from "./harness";
import { beat, type MonitorContext, monitorCtx } from "./monitor-context";

// Flips → outbox: every flip that should be notified writes one pending delivery per subscribed channel, in the
// flip's own transaction; the alert policy (first heartbeat, paused, flapping, reminders) decides which.

const SECOND = 1000;
const MINUTE = 60 * SECOND;

async function channel(
  ctx: Ctx,
  name: string,
  options: { levels?: Level[]; service_ids?: string[] | null; enabled?: boolean } = {},
): Promise<string> {
  const view = await createChannel(ctx, {
    name,
    type: "discord",
    config: { url: `http://127.0.0.1:9/webhooks/${encodeURIComponent(name)}/token` },
    ...options,
  });
  return view.id;
}

async function register(ctx: Ctx, id: string, name = `Service ${id}`): Promise<string> {
  await registerService(ctx, { service_name: name, service_id: id });
  return id;
}

async function deliveries(ctx: Ctx, where: { channelId?: string; serviceId?: string; kind?: string } = {}) {
  const rows = await ctx.db.delivery.findMany({ where, orderBy: { id: "asc" } });
  return rows.map((r) => ({ ...r, payload: r.payload as unknown as Notification }));
}

/** title|level of each delivery, oldest first: what the channel will say. */
async function said(ctx: Ctx, where: { channelId?: string; serviceId?: string } = {}) {
  return (await deliveries(ctx, where)).map((d) => `${d.payload.title}|${d.payload.level}`);
}

describe.each(PROVIDERS)("notification outbox on %s", (provider) => {
  let m: MonitorContext;
  let ctx: Ctx;

  beforeEach(async () => {
    m = await monitorCtx(provider);
    ctx = m.ctx;
  });
  afterEach(async () => {
    await m?.drop();
  });

  it("a stale flip writes exactly one pending delivery, worded as the original", async () => {
    const ch = await channel(ctx, "main");
    await register(ctx, "api", "Payments API");
    m.clock.advance(60 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(1);

    const [d, ...more] = await deliveries(ctx);
    expect(more).toEqual([]);
    const flip = await ctx.db.event.findFirstOrThrow({ where: { serviceId: "api", type: "flip" } });
    expect(d).toMatchObject({
      channelId: ch,
      serviceId: "api",
      eventId: flip.id,
      kind: "flip",
      status: "pending",
      attempts: 0,
      lockedBy: null,
      lockedUntil: null,
      sentAt: null,
    });
    expect(d.nextAttemptAt.toISOString()).toBe(m.clock.now().toISOString());
    expect(d.payload).toMatchObject({
      kind: "flip",
      title: "Service Stale: Payments API",
      message: "No heartbeat received in 60 seconds",
      level: "warning",
      at: m.clock.now().toISOString(),
      service: { id: "api", name: "Payments API", status: "stale", lastHeartbeat: null, staleThresholdSeconds: 60 },
    });
    expect(d.payload.monitorUrl).toMatch(/\/\?service=api$/);

    // Sweeping again changes nothing.
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    expect(await deliveries(ctx)).toHaveLength(1);
  });

  it("does not notify the first heartbeat (unknown → healthy) by default", async () => {
    await channel(ctx, "main");
    await register(ctx, "first");
    await beat(ctx, "first");
    expect(await ctx.db.event.count({ where: { type: "flip" } })).toBe(1);
    expect(await deliveries(ctx)).toEqual([]);
  });

  it("notifies the first heartbeat when NOTIFY_FIRST_HEARTBEAT=true", async () => {
    const eager = await m.connect({ NOTIFY_FIRST_HEARTBEAT: "true" });
    await channel(eager, "main");
    await register(eager, "first", "Batch Job");
    await beat(eager, "first", "healthy", "hello");
    const [d, ...more] = await deliveries(eager);
    expect(more).toEqual([]);
    expect(d.payload).toMatchObject({
      title: "Service Status Change: Batch Job",
      message: "Status changed from unknown to healthy: hello",
      level: "info",
    });
  });

  it("a first heartbeat that reports trouble is notified", async () => {
    await channel(ctx, "main");
    await register(ctx, "bad-start", "Importer");
    await beat(ctx, "bad-start", "error", "cannot start");
    expect(await said(ctx)).toEqual(["Service Status Change: Importer|error"]);
  });

  it("healthy → error is an error; error → healthy a success; a beat without a change nothing", async () => {
    await channel(ctx, "main");
    await register(ctx, "svc", "Checkout");
    await beat(ctx, "svc");
    m.clock.advance(SECOND);
    await beat(ctx, "svc", "error", "db down");
    m.clock.advance(SECOND);
    await beat(ctx, "svc", "error", "still down");
    m.clock.advance(SECOND);
    await beat(ctx, "svc", "healthy");

    const ds = await deliveries(ctx);
    expect(ds.map((d) => ({ title: d.payload.title, message: d.payload.message, level: d.payload.level }))).toEqual([
      { title: "Service Status Change: Checkout", message: "Status changed from healthy to error: db down", level: "error" },
      { title: "Service Status Change: Checkout", message: "Status changed from error to healthy", level: "success" },
    ]);
    expect(ds[0].payload.service).toMatchObject({ status: "error", message: "db down" });
    expect(ds[1].payload.service).toMatchObject({ status: "healthy", message: null });
  });

  it("levels: warning and degraded are warnings, recovering from them a success, busy is info", async () => {
    // Seven flips in a minute would be flapping with the default FLAP_THRESHOLD; this is about the levels.
    const noFlap = await m.connect({ FLAP_THRESHOLD: "0" });
    await channel(noFlap, "main");
    await register(noFlap, "lv", "Levels");
    await beat(noFlap, "lv");
    for (const status of ["warning", "healthy", "degraded", "healthy", "busy", "healthy"] as const) {
      m.clock.advance(SECOND);
      await beat(noFlap, "lv", status);
    }
    expect((await deliveries(noFlap)).map((d) => `${d.payload.message}|${d.payload.level}`)).toEqual([
      "Status changed from healthy to warning|warning",
      "Status changed from warning to healthy|success",
      "Status changed from healthy to degraded|warning",
      "Status changed from degraded to healthy|success",
      "Status changed from healthy to busy|info",
      "Status changed from busy to healthy|info",
    ]);
  });

  it("a stale service that comes back is notified as a recovery", async () => {
    await channel(ctx, "main");
    await register(ctx, "back", "Cron");
    await beat(ctx, "back");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    m.clock.advance(SECOND);
    await beat(ctx, "back", "healthy", "I'm back");
    const ds = await deliveries(ctx);
    expect(ds.map((d) => `${d.payload.title}|${d.payload.message}|${d.payload.level}`)).toEqual([
      "Service Stale: Cron|No heartbeat received in 60 seconds|warning",
      "Service Status Change: Cron|Status changed from stale to healthy: I'm back|success",
    ]);
  });

  it("a paused service writes no delivery, whatever it reports", async () => {
    await channel(ctx, "main");
    await register(ctx, "quiet");
    await beat(ctx, "quiet");
    await updateService(ctx, { id: "quiet", patch: { paused: true } });
    await beat(ctx, "quiet", "error", "broken but paused");
    await beat(ctx, "quiet", "healthy");
    m.clock.advance(24 * 3600 * SECOND);
    await sweepStale(ctx);
    expect(await ctx.db.event.count({ where: { serviceId: "quiet", type: "flip" } })).toBe(3);
    expect(await deliveries(ctx)).toEqual([]);
  });

  it("a channel with levels [error] gets only errors", async () => {
    const errors = await channel(ctx, "errors", { levels: ["error"] });
    const all = await channel(ctx, "all");
    await register(ctx, "svc", "Svc");
    await beat(ctx, "svc");
    await beat(ctx, "svc", "warning");
    await beat(ctx, "svc", "error");
    await beat(ctx, "svc", "healthy");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    expect((await deliveries(ctx, { channelId: errors })).map((d) => d.payload.message)).toEqual([
      "Status changed from warning to error",
    ]);
    expect(await deliveries(ctx, { channelId: all })).toHaveLength(4);
  });

  it("a channel with service_ids gets only those services' notifications", async () => {
    const onlyX = await channel(ctx, "only-x", { service_ids: ["x"] });
    await register(ctx, "x");
    await register(ctx, "y");
    await beat(ctx, "x");
    await beat(ctx, "y");
    await beat(ctx, "x", "error");
    await beat(ctx, "y", "error");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    const ds = await deliveries(ctx, { channelId: onlyX });
    expect(ds.map((d) => `${d.serviceId}:${d.payload.level}`)).toEqual(["x:error", "x:warning"]);
    expect(await deliveries(ctx, { serviceId: "y" })).toEqual([]);
  });

  it("a disabled channel gets nothing", async () => {
    await channel(ctx, "off", { enabled: false });
    await register(ctx, "svc");
    await beat(ctx, "svc");
    await beat(ctx, "svc", "error");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    expect(await deliveries(ctx)).toEqual([]);
  });

  it("no channel, no delivery; the flip is still recorded", async () => {
    await register(ctx, "svc");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    expect(await ctx.db.event.count({ where: { type: "flip" } })).toBe(1);
    expect(await deliveries(ctx)).toEqual([]);
  });

  it("two channels get one delivery each per flip, with the same payload", async () => {
    const a = await channel(ctx, "a");
    const b = await channel(ctx, "b");
    await register(ctx, "svc", "Twice");
    m.clock.advance(60 * SECOND);
    await sweepStale(ctx);
    m.clock.advance(SECOND);
    await beat(ctx, "svc", "error", "boom");
    const ds = await deliveries(ctx);
    expect(ds).toHaveLength(4);
    const flipsIds = (await ctx.db.event.findMany({ where: { type: "flip" }, orderBy: { id: "asc" } })).map((e) => e.id);
    for (const eventId of flipsIds) {
      const pair = ds.filter((d) => d.eventId === eventId);
      expect(pair.map((d) => d.channelId).sort()).toEqual([a, b].sort());
      expect(pair[0].payload).toEqual(pair[1].payload);
    }
  });

  it("many services going stale at once each get their delivery", async () => {
    const ch = await channel(ctx, "main");
    for (let i = 0; i < 30; i++) await register(ctx, `many-${String(i).padStart(2, "0")}`);
    m.clock.advance(60 * SECOND);
    expect((await sweepStale(ctx)).marked).toBe(30);
    const ds = await deliveries(ctx, { channelId: ch });
    expect(ds).toHaveLength(30);
    expect(new Set(ds.map((d) => d.serviceId)).size).toBe(30);
  });

  describe("flapping (FLAP_THRESHOLD=3, FLAP_WINDOW_MINUTES=10)", () => {
    let f: Ctx;
    beforeEach(async () => {
      f = await m.connect({ FLAP_THRESHOLD: "3", FLAP_WINDOW_MINUTES: "10" });
    });

    async function flap(id: string, statuses: ClientStatus[]) {
      for (const s of statuses) {
        m.clock.advance(10 * SECOND);
        await beat(f, id, s);
      }
    }

    it("sends one flapping notice, then nothing until a whole window without flips, then one stable notice", async () => {
      await channel(f, "main");
      await register(f, "flappy", "Flappy");
      // Flips: unknown→healthy (not notified), →error, →healthy, then the 4th within 10 minutes starts flapping.
      await flap("flappy", ["healthy", "error", "healthy", "error"]);
      expect(await said(f)).toEqual([
        "Service Status Change: Flappy|error",
        "Service Status Change: Flappy|success",
        "Service Flapping: Flappy|warning",
      ]);
      const notice = (await deliveries(f, { kind: "flapping" }))[0];
      expect(notice.payload.message).toMatch(/^Status changed 4 times in 10 minutes \(now error\)/);
      expect((await f.db.service.findUniqueOrThrow({ where: { id: "flappy" } })).flappingSince).not.toBeNull();

      // Quiet while it keeps flipping, also when it goes stale.
      await flap("flappy", ["healthy", "error", "healthy", "warning", "error"]);
      m.clock.advance(60 * SECOND);
      expect((await sweepStale(f)).marked).toBe(1);
      expect(await deliveries(f)).toHaveLength(3);

      // Not stable until a whole window passed since the last flip (the stale one).
      const lastFlipAt = m.clock.now().getTime();
      m.clock.set(lastFlipAt + 10 * MINUTE - 1);
      expect(await endFlapping(f)).toBe(0);
      expect(await deliveries(f)).toHaveLength(3);

      m.clock.set(lastFlipAt + 10 * MINUTE);
      expect(await endFlapping(f)).toBe(1);
      expect(await endFlapping(f)).toBe(0);
      const stable = await deliveries(f, { kind: "stable" });
      expect(stable).toHaveLength(1);
      expect(stable[0].payload).toMatchObject({ title: "Service Stable: Flappy", level: "warning" });
      expect(stable[0].payload.message).toMatch(/now stale/);
      expect((await f.db.service.findUniqueOrThrow({ where: { id: "flappy" } })).flappingSince).toBeNull();

      // Afterwards, flips are notified again.
      m.clock.advance(SECOND);
      await beat(f, "flappy", "healthy", "fixed");
      expect((await said(f)).at(-1)).toBe("Service Status Change: Flappy|success");
      expect(await deliveries(f)).toHaveLength(5);
    });

    it("a stable notice says where it settled: success when healthy", async () => {
      await channel(f, "main");
      await register(f, "settles", "Settles");
      await flap("settles", ["healthy", "error", "healthy", "error", "healthy"]);
      m.clock.advance(10 * MINUTE);
      expect(await endFlapping(f)).toBe(1);
      expect((await deliveries(f, { kind: "stable" }))[0].payload).toMatchObject({ title: "Service Stable: Settles", level: "success" });
    });

    it("flips spread wider than the window never count as flapping", async () => {
      await channel(f, "main");
      await register(f, "slow-flipper", "Slow");
      await beat(f, "slow-flipper");
      for (const s of ["error", "healthy", "error", "healthy", "error", "healthy"] as const) {
        m.clock.advance(4 * MINUTE);
        await beat(f, "slow-flipper", s);
      }
      expect(await deliveries(f, { kind: "flapping" })).toEqual([]);
      expect(await deliveries(f, { kind: "flip" })).toHaveLength(6);
    });

    it("FLAP_THRESHOLD=0 turns flap detection off", async () => {
      const off = await m.connect({ FLAP_THRESHOLD: "0" });
      await channel(off, "main");
      await register(off, "free", "Free");
      await beat(off, "free");
      for (let i = 0; i < 10; i++) await beat(off, "free", i % 2 ? "healthy" : "error");
      expect(await deliveries(off, { kind: "flapping" })).toEqual([]);
      expect(await deliveries(off, { kind: "flip" })).toHaveLength(10);
    });

    it("a flapping service that is paused does not send a stable notice (paused services never alert)", async () => {
      await channel(f, "main");
      await register(f, "paused-flappy", "PF");
      await flap("paused-flappy", ["healthy", "error", "healthy", "error"]);
      expect(await deliveries(f)).toHaveLength(3);
      await updateService(f, { id: "paused-flappy", patch: { paused: true } });
      m.clock.advance(10 * MINUTE);
      await endFlapping(f);
      expect(await deliveries(f, { kind: "stable" })).toEqual([]);
    });
  });

  describe("reminders (REMINDER_INTERVAL_MINUTES=5)", () => {
    let r: Ctx;
    beforeEach(async () => {
      r = await m.connect({ REMINDER_INTERVAL_MINUTES: "5" });
    });

    it("reminds every 5 minutes while a service stays stale, and stops once it recovers", async () => {
      await channel(r, "main");
      await register(r, "gone", "Gone");
      await beat(r, "gone");
      m.clock.advance(60 * SECOND);
      await sweepStale(r);
      const staleAt = m.clock.now().getTime();
      expect(await said(r)).toEqual(["Service Stale: Gone|warning"]);

      m.clock.set(staleAt + 5 * MINUTE - 1);
      expect(await sendReminders(r)).toBe(0);
      m.clock.set(staleAt + 5 * MINUTE);
      expect(await sendReminders(r)).toBe(1);
      expect(await sendReminders(r)).toBe(0);
      m.clock.set(staleAt + 10 * MINUTE - 1);
      expect(await sendReminders(r)).toBe(0);
      m.clock.set(staleAt + 10 * MINUTE);
      expect(await sendReminders(r)).toBe(1);

      const reminders = await deliveries(r, { kind: "reminder" });
      expect(reminders).toHaveLength(2);
      expect(reminders[0].payload).toMatchObject({ title: "Reminder: Gone is still stale", level: "warning" });
      expect(reminders[0].payload.message).toMatch(/^No heartbeat received in 60 seconds/);
      expect(reminders.map((d) => d.payload.at)).toEqual([
        new Date(staleAt + 5 * MINUTE).toISOString(),
        new Date(staleAt + 10 * MINUTE).toISOString(),
      ]);

      m.clock.advance(SECOND);
      await beat(r, "gone", "healthy");
      for (let i = 1; i <= 4; i++) {
        m.clock.advance(5 * MINUTE);
        // Keep it alive so it does not go stale again.
        await beat(r, "gone", "healthy");
        expect(await sendReminders(r)).toBe(0);
      }
      expect(await deliveries(r, { kind: "reminder" })).toHaveLength(2);
      expect((await said(r)).at(-1)).toBe("Service Status Change: Gone|success");
    });

    it("reminds while a service stays in error, with its level", async () => {
      await channel(r, "main");
      await register(r, "err", "Err");
      await beat(r, "err", "error", "disk full");
      const errorAt = m.clock.now().getTime();
      m.clock.advance(30 * SECOND);
      await beat(r, "err", "error", "disk still full");
      m.clock.set(errorAt + 5 * MINUTE);
      expect(await sendReminders(r)).toBe(1);
      const [reminder] = await deliveries(r, { kind: "reminder" });
      expect(reminder.payload).toMatchObject({ title: "Reminder: Err is still error", level: "error" });
      expect(reminder.payload.message).toContain("disk still full");
    });

    it("no reminders for a paused service", async () => {
      await channel(r, "main");
      await register(r, "p", "P");
      await beat(r, "p", "error");
      await updateService(r, { id: "p", patch: { paused: true } });
      m.clock.advance(30 * MINUTE);
      expect(await sendReminders(r)).toBe(0);
      expect(await deliveries(r, { kind: "reminder" })).toEqual([]);
    });

    it("no reminders by default", async () => {
      await channel(ctx, "main");
      await register(ctx, "d");
      m.clock.advance(60 * SECOND);
      await sweepStale(ctx);
      m.clock.advance(60 * MINUTE);
      expect(await sendReminders(ctx)).toBe(0);
      expect(await deliveries(ctx, { kind: "reminder" })).toEqual([]);
    });
  });

  describe("DISCORD_WEBHOOK_URL", () => {
    const URL_A = "http://127.0.0.1:9/api/webhooks/1/aaaa";
    const URL_B = "http://127.0.0.1:9/api/webhooks/2/bbbb";

    it("is mirrored as one managed channel, created once, disabled when unset, back when set again", async () => {
      const withUrl = await m.connect({ DISCORD_WEBHOOK_URL: URL_A });
      await syncEnvChannel(withUrl);
      await syncEnvChannel(withUrl);
      await Promise.all([syncEnvChannel(withUrl), syncEnvChannel(await m.connect({ DISCORD_WEBHOOK_URL: URL_A }))]);
      const rows = await ctx.db.channel.findMany();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        id: ENV_CHANNEL_ID,
        type: "discord",
        managed: true,
        enabled: true,
        config: { url: URL_A, username: "LaneSwap Monitor" },
        levels: "info,success,warning,error",
      });
      const view = (await listChannels(ctx)).channels[0];
      expect(view).toMatchObject({ id: ENV_CHANNEL_ID, managed: true, enabled: true, broken: null });

      await register(ctx, "svc", "Env");
      m.clock.advance(60 * SECOND);
      await sweepStale(ctx);
      expect(await said(ctx, { channelId: ENV_CHANNEL_ID })).toEqual(["Service Stale: Env|warning"]);

      // Unset: disabled, history kept, no new deliveries.
      await syncEnvChannel(ctx);
      const off = await ctx.db.channel.findUniqueOrThrow({ where: { id: ENV_CHANNEL_ID } });
      expect(off.enabled).toBe(false);
      m.clock.advance(SECOND);
      await beat(ctx, "svc", "error");
      expect(await deliveries(ctx, { channelId: ENV_CHANNEL_ID })).toHaveLength(1);

      // Set again (to another URL): enabled with the new address, still one channel.
      const withB = await m.connect({ DISCORD_WEBHOOK_URL: URL_B, DISCORD_WEBHOOK_USERNAME: "Ops Bot" });
      await syncEnvChannel(withB);
      const back = await ctx.db.channel.findMany();
      expect(back).toHaveLength(1);
      expect(back[0]).toMatchObject({ enabled: true, config: { url: URL_B, username: "Ops Bot" } });
      m.clock.advance(SECOND);
      await beat(ctx, "svc", "healthy");
      expect(await said(ctx, { channelId: ENV_CHANNEL_ID })).toEqual([
        "Service Stale: Env|warning",
        "Service Status Change: Env|success",
      ]);
    });

    it("unset on a database that never had it: nothing happens", async () => {
      await syncEnvChannel(ctx);
      expect(await ctx.db.channel.count()).toBe(0);
    });
  });
});
