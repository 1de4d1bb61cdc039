import { retryDelayMs } from "../core/alert-policy";
import type { Notification } from "../core/notification";
import type { Notifier, SendResult } from "../notify/notifier";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";

export type ChannelRow = { id: string; type: string; config: unknown; updatedAt: Date };
export type NotifierFor = (channel: ChannelRow) => Notifier;
export type DeliverStats = { claimed: number; sent: number; retried: number; failed: number; broken: number };

type Claimed = Awaited<ReturnType<typeof claimDue>>[number];
let passes = 0;

/**
 * Claims due deliveries from the outbox, at most `batch`. Only the oldest pending delivery of each service on each
 * channel is a candidate, so a service's notifications go out in order, and a lane that waits (backoff, a broken or
 * rate-limited channel) never takes the place of another. Each claim is a conditional update: of several workers,
 * exactly one wins a delivery, and holds it for a lease.
 */
export async function claimDue(ctx: Ctx, options: { workerId: string; batch: number }) {
  const now = nowOf(ctx);
  // Long enough for a send that runs into its timeout to be settled; a killed worker's claims free up after it.
  const leaseMs = 2 * ctx.config.delivery.timeoutMs + 5_000;
  // The due lane heads, oldest first: pending, due, not held by a live claim, on a usable channel, and with no
  // older pending delivery in the same lane (the index on channel_id, service_id, status, id answers that). Reads
  // only as many rows as it returns, however long the outbox is.
  const heads = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT d.id FROM deliveries d JOIN channels c ON c.id = d.channel_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= ${now}
      AND (d.locked_until IS NULL OR d.locked_until < ${now})
      AND c.enabled = ${true} AND c.broken_at IS NULL AND (c.paused_until IS NULL OR c.paused_until <= ${now})
      AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.channel_id = d.channel_id AND p.service_id = d.service_id
                      AND p.status = 'pending' AND p.id < d.id)
    ORDER BY d.id LIMIT ${options.batch}`;
  if (heads.length === 0) return [];
  // One conditional update claims the whole batch under a token unique to this pass; what it returns is what this
  // worker won (another worker's pass may have taken some first).
  const token = `${options.workerId}:${++passes}`;
  const won = await ctx.db.delivery.updateManyAndReturn({
    where: { id: { in: heads.map((h) => h.id) }, status: "pending", OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    data: { lockedBy: token, lockedUntil: new Date(now.getTime() + leaseMs) },
  });
  if (won.length === 0) return [];
  const channels = new Map(
    (await ctx.db.channel.findMany({ where: { id: { in: [...new Set(won.map((d) => d.channelId))] } } })).map((c) => [c.id, c]),
  );
  return won
    .filter((d) => channels.has(d.channelId))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((d) => ({ ...d, lockedBy: token, channel: channels.get(d.channelId)! }));
}

/** Sends one claimed delivery with the timeout and records the outcome. */
export async function sendClaimed(
  ctx: Ctx,
  options: { delivery: Claimed; workerId: string; notifierFor: NotifierFor; stats: DeliverStats },
): Promise<void> {
  const { delivery } = options;
  const result = await sendOnce(options.notifierFor(delivery.channel), delivery.payload as Notification, ctx.config.delivery.timeoutMs);
  await settle(ctx, { delivery, result, stats: options.stats });
}

/** One pass: claims what is due and sends it, returning when every send is settled. */
export async function deliverDue(
  ctx: Ctx,
  options: { workerId: string; notifierFor: NotifierFor; batch?: number },
): Promise<DeliverStats> {
  const stats: DeliverStats = { claimed: 0, sent: 0, retried: 0, failed: 0, broken: 0 };
  const claimed = await claimDue(ctx, { workerId: options.workerId, batch: options.batch ?? 50 });
  stats.claimed = claimed.length;
  await Promise.all(claimed.map((delivery) => sendClaimed(ctx, { ...options, delivery, stats })));
  return stats;
}

async function sendOnce(notifier: Notifier, notification: Notification, timeoutMs: number): Promise<SendResult> {
  try {
    return await notifier.send(notification, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { ok: false, retryable: true, gone: false, error: `send failed: ${(error as Error).message}` };
  }
}

async function settle(
  ctx: Ctx,
  input: {
    delivery: { id: string; channelId: string; attempts: number; createdAt: Date; lockedBy: string };
    result: SendResult;
    stats: DeliverStats;
  },
): Promise<void> {
  const { delivery, result, stats } = input;
  const now = nowOf(ctx);
  // Settled only while still ours: a delivery whose lease ran out and was taken over is left to its new owner.
  const mine = { id: delivery.id, lockedBy: delivery.lockedBy };
  const attempts = delivery.attempts + 1;
  const release = { lockedBy: null, lockedUntil: null, attempts };
  if (result.ok) {
    stats.sent += 1;
    await markSent(ctx, delivery.id, delivery.lockedBy);
    return;
  }
  const error = result.error.slice(0, 1000);
  if (result.gone) {
    stats.broken += 1;
    // Kept pending: once the channel is fixed (any change clears `broken`), the alerts still go out.
    await ctx.db.$transaction([
      ctx.db.channel.updateMany({ where: { id: delivery.channelId }, data: { brokenAt: now, brokenReason: error } }),
      ctx.db.delivery.updateMany({ where: mine, data: { ...release, lastError: error } }),
    ]);
    return;
  }
  const expired = now.getTime() - delivery.createdAt.getTime() > ctx.config.delivery.giveUpAfterMs;
  if (!result.retryable || expired) {
    stats.failed += 1;
    await ctx.db.delivery.updateMany({ where: mine, data: { ...release, status: "failed", lastError: error } });
    return;
  }
  stats.retried += 1;
  const waitMs = Math.max(result.retryAfterMs ?? 0, retryDelayMs(attempts));
  const retryAt = new Date(now.getTime() + waitMs);
  await ctx.db.$transaction([
    ...(result.retryAfterMs ? [ctx.db.channel.updateMany({ where: { id: delivery.channelId }, data: { pausedUntil: retryAt } })] : []),
    ctx.db.delivery.updateMany({ where: mine, data: { ...release, nextAttemptAt: retryAt, lastError: error } }),
  ]);
}

// Successes settled in the same turn of the event loop are recorded by one statement per claim pass: under a burst
// that is one write for dozens of webhooks. A lane's next delivery is claimed only once its head is marked sent.
type SentBatch = { ids: string[]; done: Promise<void> };
const sentBatches = new WeakMap<Ctx["db"], Map<string, SentBatch>>();

function markSent(ctx: Ctx, id: string, token: string): Promise<void> {
  let byToken = sentBatches.get(ctx.db);
  if (!byToken) sentBatches.set(ctx.db, (byToken = new Map()));
  let batch = byToken.get(token);
  if (!batch) {
    const ids: string[] = [];
    const pending = byToken;
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      pending.delete(token);
      // Settled only while still ours: a delivery whose lease ran out and was taken over is left to its new owner.
      await ctx.db.delivery.updateMany({
        where: { id: { in: ids }, lockedBy: token },
        data: { status: "sent", sentAt: nowOf(ctx), lastError: null, lockedBy: null, lockedUntil: null, attempts: { increment: 1 } },
      });
    });
    batch = { ids, done };
    byToken.set(token, batch);
  }
  batch.ids.push(id);
  return batch.done;
}
