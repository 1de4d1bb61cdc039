import { flipForDeadline } from "../core/flip";
import type { Status } from "../core/status";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";
import { recordFlip } from "../services/record-flip";

export type SweepResult = { due: number; marked: number; latenessMs: number[] };

/**
 * Marks every service whose deadline has passed as stale, with a flip. Reads only due services (the deadline
 * index). Each service is claimed with a conditional update, so with several workers, or a heartbeat arriving at the
 * same moment, exactly one of them wins and the flip is recorded once.
 */
export async function sweepStale(ctx: Ctx, { batch = 500 }: { batch?: number } = {}): Promise<SweepResult> {
  const result: SweepResult = { due: 0, marked: 0, latenessMs: [] };
  for (;;) {
    const now = nowOf(ctx);
    const due = await ctx.db.service.findMany({
      where: { deadline: { lte: now } },
      orderBy: { deadline: "asc" },
      take: batch,
      select: { id: true, status: true, deadline: true },
    });
    result.due += due.length;
    for (const candidate of due) {
      const flip = flipForDeadline(candidate.status as Status);
      if (!flip) continue;
      const won = await ctx.db.$transaction(async (tx) => {
        const claimed = await tx.service.updateMany({
          where: { id: candidate.id, status: candidate.status, deadline: { lte: now }, paused: false },
          data: { status: "stale", deadline: null, updatedAt: now },
        });
        if (claimed.count !== 1) return false;
        const service = await tx.service.findUniqueOrThrow({ where: { id: candidate.id } });
        await recordFlip(tx, ctx, { service, flip, message: null, at: now });
        return true;
      });
      if (won) {
        result.marked += 1;
        result.latenessMs.push(now.getTime() - candidate.deadline!.getTime());
      }
    }
    if (due.length < batch) return result;
  }
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
