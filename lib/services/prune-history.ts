import type { Db } from "../db/client";
import type { Ctx } from "./context";
import { nowOf } from "./context";

type Tx = Pick<Db, "event">;

// The bounded heartbeat log is trimmed on every PRUNE_EVERY-th heartbeat of a service, not on each one.
export const PRUNE_EVERY = 10;

/** Keeps the newest `keep` heartbeats of one service; flips are kept by age, not here. */
export async function pruneServiceHeartbeats(tx: Tx, serviceId: string, keep: number): Promise<number> {
  const oldestKept = await tx.event.findFirst({
    where: { serviceId, type: "heartbeat" },
    orderBy: { id: "desc" },
    skip: keep - 1,
    select: { id: true },
  });
  if (!oldestKept) return 0;
  const { count } = await tx.event.deleteMany({ where: { serviceId, type: "heartbeat", id: { lt: oldestKept.id } } });
  return count;
}

/** The periodic clean-up: every service's heartbeat log trimmed, flips older than the retention removed. */
export async function pruneHistory(ctx: Ctx): Promise<{ heartbeats: number; flips: number }> {
  const cutoff = new Date(nowOf(ctx).getTime() - ctx.config.flipRetentionDays * 86_400_000);
  const flips = await ctx.db.event.deleteMany({ where: { type: "flip", at: { lt: cutoff } } });
  const crowded = await ctx.db.event.groupBy({
    by: ["serviceId"],
    where: { type: "heartbeat" },
    _count: { _all: true },
    having: { serviceId: { _count: { gt: ctx.config.historyHeartbeats } } },
  });
  let heartbeats = 0;
  for (const { serviceId } of crowded) heartbeats += await pruneServiceHeartbeats(ctx.db, serviceId, ctx.config.historyHeartbeats);
  return { heartbeats, flips: flips.count };
}
