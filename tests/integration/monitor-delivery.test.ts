import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Level, Notification } from "../../lib/core/notification";
import { deliverDue, type DeliverStats } from "../../lib/monitor/deliver";
import type { Notifier } from "../../lib/notify/notifier";
import { createChannel } from "../../lib/services/channels/create-channel";
import { listChannels } from "../../lib/services/channels/list-channels";
import { updateChannel } from "../../lib/services/channels/update-channel";
import type { Ctx } from "../../lib/services/context";
import { registerService } from "../../lib/services/register-service";
import { PROVIDERS } from "./harness";
import {
  beat,
  fakeNotifier,
  fakeNotifierFor,
  monitorCtx,
  notificationKey,
  startRemoteMonitor,
  toSendResult,
  type MonitorContext,
  type RemoteResult,
} from "./monitor-context";

// The delivery loop, one pass at a time, against a real outbox and fake endpoints: sends, retries with backoff,
// honours 429, holds a broken channel's alerts until it is fixed, keeps each service's alerts in order, and sends
// each delivery exactly once however many workers claim.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

async function channel(ctx: Ctx, name: string, options: { levels?: Level[]; service_ids?: string[] | null } = {}): Promise<string> {
  return (await createChannel(ctx, { name, type: "discord", config: { url: `http://127.0.0.1:9/webhooks/${name}` }, ...options })).id;
}

async function register(ctx: Ctx, id: string): Promise<void> {
  await registerService(ctx, { service_name: `Service ${id}`, service_id: id });
  await beat(ctx, id, "healthy"); // the first heartbeat: not notified
}

/** Registers the service and makes it flip `flips` times (error, healthy, error …): one delivery per flip per channel. */
async function flipping(ctx: Ctx, id: string, flips: number): Promise<void> {
  await register(ctx, id);
  for (let i = 0; i < flips; i++) await beat(ctx, id, i % 2 === 0 ? "error" : "healthy", `${id} flip ${i + 1}`);
}

async function rows(ctx: Ctx, where: { channelId?: string; serviceId?: string; status?: string } = {}) {
  const found = await ctx.db.delivery.findMany({ where, orderBy: { id: "asc" } });
  return found.map((r) => ({ ...r, payload: r.payload as unknown as Notification }));
}

/** Runs passes until one claims nothing; returns the summed stats. */
async function drain(ctx: Ctx, options: Parameters<typeof deliverDue>[1], maxPasses = 100): Promise<DeliverStats> {
  const total: DeliverStats = { claimed: 0, sent: 0, retried: 0, failed: 0, broken: 0 };
  for (let i = 0; i < maxPasses; i++) {
    const s = await deliverDue(ctx, options);
    for (const k of Object.keys(total) as (keyof DeliverStats)[]) total[k] += s[k];
    if (s.claimed === 0) return total;
  }
  throw new Error(`the outbox did not drain in ${maxPasses} passes`);
}

describe.each(PROVIDERS)("delivery on %s", (provider) => {
  let m: MonitorContext;
  let ctx: Ctx;

  beforeEach(async () => {
    // Flap detection off: these tests flip services fast on purpose.
    m = await monitorCtx(provider, { FLAP_THRESHOLD: "0" });
    ctx = m.ctx;
  });
  afterEach(async () => {
    await m?.drop();
  });

  it("sends pending deliveries and marks them sent", async () => {
    const ch = await channel(ctx, "main");
    for (const id of ["a", "b", "c"]) await flipping(ctx, id, 1);
    const notifiers = fakeNotifierFor();

    const stats = await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers });
    expect(stats).toEqual({ claimed: 3, sent: 3, retried: 0, failed: 0, broken: 0 });
    const sent = await rows(ctx);
    expect(sent).toHaveLength(3);
    for (const d of sent) {
      expect(d).toMatchObject({ status: "sent", attempts: 1, lockedBy: null, lockedUntil: null, lastError: null });
      expect(d.sentAt?.toISOString()).toBe(m.clock.now().toISOString());
    }
    const calls = notifiers.of(ch).calls;
    expect(calls.map((c) => c.notification.service.id).sort()).toEqual(["a", "b", "c"]);
    expect(calls.map((c) => c.notification)).toEqual(expect.arrayContaining(sent.map((d) => d.payload)));
    expect(notifiers.seen[0]).toMatchObject({ id: ch, type: "discord", config: { url: "http://127.0.0.1:9/webhooks/main" } });

    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 0 });
    expect(notifiers.of(ch).calls).toHaveLength(3);
  });

  it("does not send a delivery before its time", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    const [d] = await rows(ctx);
    await ctx.db.delivery.update({ where: { id: d.id }, data: { nextAttemptAt: new Date(m.clock.now().getTime() + 5 * SECOND) } });
    const notifiers = fakeNotifierFor();
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
    m.clock.advance(5 * SECOND);
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).sent).toBe(1);
    expect(notifiers.of(ch).calls).toHaveLength(1);
  });

  it("retries a retryable failure with exponential backoff, and sends it once the time comes", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    const endpoint = fakeNotifier(["retry", "retry"]);
    const notifiers = fakeNotifierFor({ [ch]: endpoint });
    const t0 = m.clock.now().getTime();

    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0, broken: 0 });
    let [d] = await rows(ctx);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lockedBy: null, lockedUntil: null, lastError: "HTTP 500: fake server error" });
    const wait1 = d.nextAttemptAt.getTime() - t0;
    expect(wait1).toBeGreaterThanOrEqual(500);
    expect(wait1).toBeLessThanOrEqual(1000);

    // Not again before its time.
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
    m.clock.set(d.nextAttemptAt.getTime() - 1);
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
    expect(endpoint.calls).toHaveLength(1);

    // The second failure waits about twice as long.
    m.clock.set(d.nextAttemptAt);
    const t1 = m.clock.now().getTime();
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).retried).toBe(1);
    [d] = await rows(ctx);
    expect(d.attempts).toBe(2);
    const wait2 = d.nextAttemptAt.getTime() - t1;
    expect(wait2).toBeGreaterThanOrEqual(1000);
    expect(wait2).toBeLessThanOrEqual(2000);

    m.clock.set(t1 + 2000);
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).sent).toBe(1);
    [d] = await rows(ctx);
    expect(d).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    expect(endpoint.calls.map((c) => c.result.ok)).toEqual([false, false, true]);
    expect(new Set(endpoint.calls.map((c) => JSON.stringify(c.notification))).size).toBe(1);
  });

  it("treats a send that throws, or that times out, as retryable", async () => {
    const timeoutCtx = await m.connect({ FLAP_THRESHOLD: "0", DELIVERY_TIMEOUT_SECONDS: "0.1" });
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    const throwing: Notifier = {
      send: async () => {
        throw new Error("connection reset");
      },
    };
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: () => throwing })).retried).toBe(1);
    let [d] = await rows(ctx);
    expect(d).toMatchObject({ status: "pending", attempts: 1 });
    expect(d.lastError).toContain("connection reset");

    // A hanging endpoint: the send is aborted after DELIVERY_TIMEOUT_SECONDS (real time, 100 ms here).
    const hanging: Notifier = {
      send: (_n, { signal }) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
    };
    m.clock.advance(10 * SECOND);
    expect((await deliverDue(timeoutCtx, { workerId: "w1", notifierFor: () => hanging })).retried).toBe(1);
    [d] = await rows(ctx);
    expect(d).toMatchObject({ status: "pending", attempts: 2 });
    expect(d.lastError).toMatch(/^send failed/);

    m.clock.advance(10 * SECOND);
    const notifiers = fakeNotifierFor();
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).sent).toBe(1);
    expect(notifiers.of(ch).calls).toHaveLength(1);
  });

  it("a 429 with retry_after holds back the whole channel until then, while other channels go on", async () => {
    const limited = await channel(ctx, "limited");
    const other = await channel(ctx, "other");
    const limitedEndpoint = fakeNotifier([{ retryAfterMs: 30_000 }]);
    const notifiers = fakeNotifierFor({ [limited]: limitedEndpoint });
    await flipping(ctx, "a", 1);
    const t0 = m.clock.now().getTime();

    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 2, sent: 1, retried: 1 });
    const [held] = await rows(ctx, { channelId: limited });
    expect(held).toMatchObject({ status: "pending", attempts: 1 });
    expect(held.nextAttemptAt.getTime()).toBe(t0 + 30_000);
    const view = (await listChannels(ctx)).channels.find((c) => c.id === limited)!;
    expect(view.rate_limited_until).toBe(new Date(t0 + 30_000).toISOString());
    expect(view.broken).toBeNull();

    // A new alert about another service: the other channel gets it now, the limited one not before 30 s.
    m.clock.advance(SECOND);
    await flipping(ctx, "b", 1);
    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 1, sent: 1 });
    expect(notifiers.of(other).calls.map((c) => c.notification.service.id)).toEqual(["a", "b"]);
    m.clock.set(t0 + 30_000 - 1);
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
    expect(limitedEndpoint.calls).toHaveLength(1);

    m.clock.set(t0 + 30_000);
    expect(await drain(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ sent: 2, retried: 0 });
    expect(limitedEndpoint.delivered().map((n) => n.service.id).sort()).toEqual(["a", "b"]);
    expect(await rows(ctx, { status: "pending" })).toEqual([]);
  });

  it("a gone endpoint marks its channel broken and holds its alerts; fixing the channel sends them, in order", async () => {
    const gone = await channel(ctx, "gone");
    const fine = await channel(ctx, "fine");
    const goneEndpoint = fakeNotifier(["gone"]);
    const notifiers = fakeNotifierFor({ [gone]: goneEndpoint });
    await flipping(ctx, "a", 1);

    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 2, sent: 1, broken: 1 });
    const views = (await listChannels(ctx)).channels;
    const broken = views.find((c) => c.id === gone)!;
    expect(broken.broken).toEqual({ at: m.clock.now().toISOString(), reason: "HTTP 404: Unknown Webhook" });
    expect(views.find((c) => c.id === fine)!.broken).toBeNull();
    expect((await rows(ctx, { channelId: gone }))[0]).toMatchObject({ status: "pending", attempts: 1, lockedBy: null });

    // While broken, nothing is tried on it, however long; the other channel keeps working.
    for (let i = 0; i < 3; i++) {
      m.clock.advance(10 * MINUTE);
      await beat(ctx, "a", i % 2 === 0 ? "healthy" : "error", `later ${i}`);
      await drain(ctx, { workerId: "w1", notifierFor: notifiers });
    }
    m.clock.advance(24 * HOUR);
    await drain(ctx, { workerId: "w1", notifierFor: notifiers });
    expect(goneEndpoint.calls).toHaveLength(1);
    expect(notifiers.of(fine).calls).toHaveLength(4);
    expect(await rows(ctx, { channelId: gone, status: "pending" })).toHaveLength(4);

    // Fixing it (any change) clears the mark; every held alert goes out, oldest first, none lost.
    const fixed = await updateChannel(ctx, { id: gone, patch: { config: { url: "http://127.0.0.1:9/webhooks/new" } } });
    expect(fixed.broken).toBeNull();
    expect(await drain(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ sent: 4, failed: 0 });
    expect(goneEndpoint.delivered().map((n) => n.message)).toEqual([
      "Status changed from healthy to error: a flip 1",
      "Status changed from error to healthy: later 0",
      "Status changed from healthy to error: later 1",
      "Status changed from error to healthy: later 2",
    ]);
    expect(await rows(ctx, { status: "pending" })).toEqual([]);
  });

  it("a permanent failure marks the delivery failed and lets the next one go", async () => {
    const ch = await channel(ctx, "main");
    const endpoint = fakeNotifier(["fail"]);
    const notifiers = fakeNotifierFor({ [ch]: endpoint });
    await flipping(ctx, "a", 2);

    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 1, failed: 1 });
    const [first, second] = await rows(ctx);
    expect(first).toMatchObject({ status: "failed", attempts: 1, lastError: "HTTP 400: fake bad request", lockedBy: null });
    expect(second.status).toBe("pending");
    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 1, sent: 1 });
    m.clock.advance(HOUR);
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
    expect(endpoint.calls).toHaveLength(2);
  });

  it("gives up after DELIVERY_GIVE_UP_HOURS of retryable failures", async () => {
    const patient = await m.connect({ FLAP_THRESHOLD: "0", DELIVERY_GIVE_UP_HOURS: "1" });
    const ch = await channel(patient, "main");
    const endpoint = fakeNotifier(() => "retry");
    const notifiers = fakeNotifierFor({ [ch]: endpoint });
    await flipping(patient, "a", 1);
    const created = m.clock.now().getTime();

    // Retried through the hour, however many attempts…
    for (let t = 0; t <= HOUR; t += 10 * MINUTE) {
      m.clock.set(created + t);
      expect((await deliverDue(patient, { workerId: "w1", notifierFor: notifiers })).retried, `at ${t / MINUTE} min`).toBe(1);
    }
    expect((await rows(patient))[0]).toMatchObject({ status: "pending", attempts: 7 });
    // …and failed at the first attempt after it (the backoff is capped at a minute).
    m.clock.set(created + HOUR + MINUTE);
    expect(await deliverDue(patient, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 1, failed: 1 });
    expect((await rows(patient))[0]).toMatchObject({ status: "failed", attempts: 8, lastError: "HTTP 500: fake server error" });
    m.clock.advance(HOUR);
    expect((await deliverDue(patient, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
  });

  it("keeps each service's alerts in order: a failing one holds back the later ones of its service only", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 2);
    await flipping(ctx, "b", 2);
    let failedOnce = false;
    const endpoint = fakeNotifier((n) => {
      if (n.service.id === "a" && !failedOnce) {
        failedOnce = true;
        return "retry";
      }
      return "ok";
    });
    const notifiers = fakeNotifierFor({ [ch]: endpoint });

    // Pass after pass at the same instant: b's two go out, a's second waits for a's first.
    await drain(ctx, { workerId: "w1", notifierFor: notifiers });
    expect(endpoint.delivered().map((n) => n.message)).toEqual([
      "Status changed from healthy to error: b flip 1",
      "Status changed from error to healthy: b flip 2",
    ]);
    const aRows = await rows(ctx, { serviceId: "a" });
    expect(aRows.map((d) => `${d.status}/${d.attempts}`)).toEqual(["pending/1", "pending/0"]);

    m.clock.advance(1000);
    await drain(ctx, { workerId: "w1", notifierFor: notifiers });
    expect(endpoint.calls.filter((c) => c.notification.service.id === "a").map((c) => `${c.notification.message}:${c.result.ok}`)).toEqual([
      "Status changed from healthy to error: a flip 1:false",
      "Status changed from healthy to error: a flip 1:true",
      "Status changed from error to healthy: a flip 2:true",
    ]);
    expect(await rows(ctx, { status: "pending" })).toEqual([]);
  });

  it("sends in order within one service, one per pass, across many alerts", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 12);
    const notifiers = fakeNotifierFor();
    await drain(ctx, { workerId: "w1", notifierFor: notifiers });
    expect(notifiers.of(ch).delivered().map((n) => n.message.replace(/^.*: /, ""))).toEqual(
      Array.from({ length: 12 }, (_, i) => `a flip ${i + 1}`),
    );
  });

  it("a channel that keeps failing does not hold back another channel's alerts", async () => {
    // Channel "down" answers 500 to everything; "up" works. Service a has more queued alerts on "down" than one
    // pass reads (batch 50), all waiting behind a's first one, which is in backoff.
    const down = await channel(ctx, "down", { service_ids: ["a"] });
    const up = await channel(ctx, "up", { service_ids: ["b"] });
    const downEndpoint = fakeNotifier(() => "retry");
    const notifiers = fakeNotifierFor({ [down]: downEndpoint });
    await flipping(ctx, "a", 60);
    expect(await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).toMatchObject({ claimed: 1, retried: 1 });

    m.clock.advance(100);
    await flipping(ctx, "b", 1);
    await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers });
    expect(notifiers.of(up).calls.map((c) => c.notification.service.id)).toEqual(["b"]);
  });

  it("a disabled channel's alerts wait, and go out when it is enabled again", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    await updateChannel(ctx, { id: ch, patch: { enabled: false } });
    const notifiers = fakeNotifierFor();
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).claimed).toBe(0);
    await updateChannel(ctx, { id: ch, patch: { enabled: true } });
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: notifiers })).sent).toBe(1);
  });

  it("a claim holds a lease, longer than the send timeout, taken by the worker that claimed", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    const [d] = await rows(ctx);
    let during: { lockedBy: string | null; lockedUntil: Date | null } | undefined;
    const peeking: Notifier = {
      send: async () => {
        during = await ctx.db.delivery.findUniqueOrThrow({ where: { id: d.id }, select: { lockedBy: true, lockedUntil: true } });
        return { ok: true };
      },
    };
    await deliverDue(ctx, { workerId: "w-peek", notifierFor: () => peeking });
    // The claim token names the worker (and the pass that claimed).
    expect(during?.lockedBy).toMatch(/^w-peek:/);
    // Long enough for a send that runs into its timeout to be settled, short enough that a dead worker's claim frees up.
    const leaseMs = during!.lockedUntil!.getTime() - m.clock.now().getTime();
    expect(leaseMs).toBeGreaterThan(ctx.config.delivery.timeoutMs);
    expect(leaseMs).toBeLessThanOrEqual(5 * MINUTE);
    expect((await rows(ctx))[0]).toMatchObject({ status: "sent", lockedBy: null, lockedUntil: null, channelId: ch });
  });

  it("re-claims and sends a delivery whose worker died after claiming it, once the lease expires", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    const [d] = await rows(ctx);
    const lockedUntil = new Date(m.clock.now().getTime() + 30 * SECOND);
    await ctx.db.delivery.update({ where: { id: d.id }, data: { lockedBy: "dead-worker", lockedUntil } });
    const notifiers = fakeNotifierFor();

    expect((await deliverDue(ctx, { workerId: "w2", notifierFor: notifiers })).claimed).toBe(0);
    m.clock.set(lockedUntil);
    expect((await deliverDue(ctx, { workerId: "w2", notifierFor: notifiers })).claimed).toBe(0);
    m.clock.set(lockedUntil.getTime() + 1);
    expect(await deliverDue(ctx, { workerId: "w2", notifierFor: notifiers })).toMatchObject({ claimed: 1, sent: 1 });
    expect((await rows(ctx))[0]).toMatchObject({ status: "sent", lockedBy: null, attempts: 1 });
    expect(notifiers.of(ch).calls).toHaveLength(1);
  });

  it("a worker that comes back after its lease was taken over does not undo the new owner's result", async () => {
    const ch = await channel(ctx, "main");
    await flipping(ctx, "a", 1);
    const takeover = fakeNotifierFor();
    let nested: DeliverStats | undefined;
    const slow: Notifier = {
      send: async () => {
        // This send takes longer than the lease: meanwhile another worker re-claims and sends.
        const lock = await ctx.db.delivery.findFirstOrThrow({ select: { lockedUntil: true } });
        m.clock.set(lock.lockedUntil!.getTime() + 1);
        nested = await deliverDue(ctx, { workerId: "w2", notifierFor: takeover });
        return toSendResult("retry");
      },
    };
    const first = await deliverDue(ctx, { workerId: "w1", notifierFor: () => slow });
    expect(first).toMatchObject({ claimed: 1 });
    expect(nested).toMatchObject({ claimed: 1, sent: 1 });
    expect(takeover.of(ch).calls).toHaveLength(1);
    expect((await rows(ctx))[0]).toMatchObject({ status: "sent", lockedBy: null });
    m.clock.advance(HOUR);
    expect((await deliverDue(ctx, { workerId: "w1", notifierFor: takeover })).claimed).toBe(0);
  });

  it.runIf(provider === "postgresql")("two workers in one process, on two clients, send each delivery exactly once", async () => {
    const other = await m.connect();
    const chA = await channel(ctx, "a");
    const chB = await channel(ctx, "b");
    for (let i = 0; i < 15; i++) await flipping(ctx, `s${String(i).padStart(2, "0")}`, 2);
    const all = await rows(ctx);
    expect(all).toHaveLength(60);

    const n1 = fakeNotifierFor();
    const n2 = fakeNotifierFor();
    for (let pass = 0; pass < 20; pass++) {
      const [s1, s2] = await Promise.all([
        deliverDue(ctx, { workerId: "w1", notifierFor: n1 }),
        deliverDue(other, { workerId: "w2", notifierFor: n2 }),
      ]);
      if (s1.claimed + s2.claimed === 0) break;
    }
    const counts = new Map<string, number>();
    for (const nf of [n1, n2]) {
      for (const chId of [chA, chB]) {
        for (const c of nf.of(chId).calls) {
          const key = notificationKey(chId, c.notification);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
    }
    const byDelivery = all.map((d) => [d.id, counts.get(notificationKey(d.channelId, d.payload)) ?? 0] as const);
    expect(new Set(all.map((d) => notificationKey(d.channelId, d.payload))).size).toBe(60);
    expect(byDelivery.filter(([, n]) => n !== 1)).toEqual([]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(60);
    expect(await ctx.db.delivery.count({ where: { status: "sent" } })).toBe(60);
    // One claim statement may win a whole pass, so one worker can end up sending everything: what matters is
    // that together they sent each delivery exactly once (above).
  });

  it("three workers, two in their own processes, claiming at once send each delivery exactly once", async () => {
    const chA = await channel(ctx, "a");
    const chB = await channel(ctx, "b");
    for (let i = 0; i < 24; i++) await flipping(ctx, `p${String(i).padStart(2, "0")}`, 1);
    const all = await rows(ctx);
    expect(all).toHaveLength(48);
    const keys = all.map((d) => notificationKey(d.channelId, d.payload));
    expect(new Set(keys).size).toBe(48);

    const remotes = await Promise.all([
      startRemoteMonitor(m, "deliver", { workerId: "remote-1" }),
      startRemoteMonitor(m, "deliver", { workerId: "remote-2" }),
    ]);
    const local = fakeNotifierFor();
    let results: RemoteResult[];
    let ours: DeliverStats;
    try {
      await Promise.all(remotes.map((r) => r.start()));
      [ours, ...results] = await Promise.all([
        deliverDue(ctx, { workerId: "local", notifierFor: local }),
        ...remotes.map((r) => r.result()),
      ]);
    } finally {
      for (const r of remotes) r.kill();
    }
    const counts = new Map<string, number>();
    for (const r of results) for (const c of r.calls) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
    for (const chId of [chA, chB]) {
      for (const c of local.of(chId).calls) {
        const key = notificationKey(chId, c.notification);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    expect(keys.filter((k) => counts.get(k) !== 1)).toEqual([]);
    const sent = [ours, ...results.map((r) => r.result as DeliverStats)].map((s) => s.sent);
    expect(sent.reduce((x, y) => x + y, 0)).toBe(48);
    expect(await ctx.db.delivery.count({ where: { status: "sent" } })).toBe(48);
  });
});
