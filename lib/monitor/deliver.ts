import { retryDelayMs } from "../core/alert-policy";
import type { Notification } from "../core/notification";
import type { Notifier, SendResult } from "../notify/notifier";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";

export type ChannelRow = { id: string; type: string; config: unknown; updatedAt: Date };
export type NotifierFor = (channel: ChannelRow) => Notifier;
export type DeliverStats = { claimed: number; sent: number; retried: number; failed: number; broken: number };

/**
 * One pass of the delivery loop: claims due deliveries from the outbox (a conditional update: exactly one worker
 * wins each), sends them with a timeout and settles them. A service's notifications go out in order on each
 * channel: a delivery waits while an older one for the same service and channel is pending. A channel that is
 * rate-limited or broken holds back only its own deliveries.
 */
export async function deliverDue(
  ctx: Ctx,
  options: { workerId: string; notifierFor: NotifierFor; batch?: number },
): Promise<DeliverStats> {
  const stats: DeliverStats = { claimed: 0, sent: 0, retried: 0, failed: 0, broken: 0 };
  const now = nowOf(ctx);
  // Long enough for a send that runs into its timeout to be settled; a killed worker's claims free up after it.
  const leaseMs = 2 * ctx.config.delivery.timeoutMs + 5_000;
  const candidates = await ctx.db.delivery.findMany({
    where: {
      status: "pending",
      nextAttemptAt: { lte: now },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
      channel: { enabled: true, brokenAt: null, OR: [{ pausedUntil: null }, { pausedUntil: { lte: now } }] },
    },
    orderBy: { id: "asc" },
    take: options.batch ?? 50,
    include: { channel: true },
  });
  const seen = new Set<string>();
  const claimed: typeof candidates = [];
  for (const d of candidates) {
    const lane = `${d.channelId}\u0000${d.serviceId}`;
    if (seen.has(lane)) continue;
    seen.add(lane);
    const oldest = await ctx.db.delivery.findFirst({
      where: { channelId: d.channelId, serviceId: d.serviceId, status: "pending" },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    if (oldest?.id !== d.id) continue;
    const { count } = await ctx.db.delivery.updateMany({
      where: { id: d.id, status: "pending", OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      data: { lockedBy: options.workerId, lockedUntil: new Date(now.getTime() + leaseMs) },
    });
    if (count === 1) claimed.push(d);
  }
  stats.claimed = claimed.length;
  await Promise.all(
    claimed.map(async (d) => {
      const result = await sendOnce(options.notifierFor(d.channel), d.payload as Notification, ctx.config.delivery.timeoutMs);
      await settle(ctx, { delivery: d, result, workerId: options.workerId, stats });
    }),
  );
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
    delivery: { id: string; channelId: string; attempts: number; createdAt: Date };
    result: SendResult;
    workerId: string;
    stats: DeliverStats;
  },
): Promise<void> {
  const { delivery, result, stats } = input;
  const now = nowOf(ctx);
  const mine = { id: delivery.id, lockedBy: input.workerId };
  const attempts = delivery.attempts + 1;
  const release = { lockedBy: null, lockedUntil: null, attempts };
  if (result.ok) {
    stats.sent += 1;
    await ctx.db.delivery.updateMany({ where: mine, data: { ...release, status: "sent", sentAt: now, lastError: null } });
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
