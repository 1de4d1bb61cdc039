import { flipForDeadline } from "../core/flip";
import type { Status } from "../core/status";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";
import { recordFlips } from "../services/record-flip";

export type SweepResult = { due: number; marked: number; latenessMs: number[] };

/**
 * Marks every service whose deadline has passed as stale, with a flip. Reads only due services (the deadline
 * index) and handles them a batch per transaction. Services are claimed with a conditional update (still due, still
 * in the status that was read, not paused), so with several workers, or a heartbeat arriving at the same moment,
 * exactly one of them wins each service and its flip is recorded once.
 */
export async function sweepStale(
  ctx: Ctx,
  { batch = 500, signal }: { batch?: number; signal?: AbortSignal } = {},
): Promise<SweepResult> {
  const result: SweepResult = { due: 0, marked: 0, latenessMs: [] };
  while (!signal?.aborted) {
    const now = nowOf(ctx);
    const due = await ctx.db.service.findMany({
      where: { deadline: { lte: now } },
      orderBy: { deadline: "asc" },
      take: batch,
      select: { id: true, status: true, deadline: true },
    });
    result.due += due.length;
    const byStatus = new Map<string, string[]>();
    for (const d of due) {
      if (!flipForDeadline(d.status as Status)) continue;
      const ids = byStatus.get(d.status);
      if (ids) ids.push(d.id);
      else byStatus.set(d.status, [d.id]);
    }
    const claimed = await ctx.db.$transaction(async (tx) => {
      const rows = [];
      for (const [status, ids] of byStatus) {
        const won = await tx.service.updateManyAndReturn({
          where: { id: { in: ids }, status, deadline: { lte: now }, paused: false },
          data: { status: "stale", deadline: null, updatedAt: now },
        });
        rows.push(...won.map((service) => ({ service, flip: flipForDeadline(status as Status)!, message: null })));
      }
      await recordFlips(tx, ctx, { flips: rows, at: now });
      return rows;
    });
    const deadlines = new Map(due.map((d) => [d.id, d.deadline!.getTime()]));
    for (const { service } of claimed) result.latenessMs.push(now.getTime() - deadlines.get(service.id)!);
    result.marked += claimed.length;
    if (due.length < batch) break;
  }
  return result;
}

/** The earliest deadline the monitor watches, or null when none. */
export async function nextDeadline(ctx: Ctx): Promise<Date | null> {
  const first = await ctx.db.service.findFirst({
    where: { deadline: { not: null } },
    orderBy: { deadline: "asc" },
    select: { deadline: true },
  });
  return first?.deadline ?? null;
}
