import { isStableAgain } from "../core/alert-policy";
import { levelForFlip } from "../core/notification";
import type { Status } from "../core/status";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";
import { enqueueNotification } from "../services/enqueue-notification";

/** Ends flapping for services that had no flip for a whole window, telling where they settled. */
export async function endFlapping(ctx: Ctx): Promise<number> {
  const now = nowOf(ctx);
  const flapping = await ctx.db.service.findMany({ where: { flappingSince: { not: null } }, take: 500 });
  let ended = 0;
  for (const service of flapping) {
    const lastFlip = await ctx.db.event.findFirst({
      where: { serviceId: service.id, type: "flip" },
      orderBy: { id: "desc" },
      select: { at: true },
    });
    if (!isStableAgain(lastFlip?.at ?? null, now, ctx.config.alerts)) continue;
    const won = await ctx.db.$transaction(async (tx) => {
      const claimed = await tx.service.updateMany({
        where: { id: service.id, flappingSince: service.flappingSince },
        data: { flappingSince: null },
      });
      if (claimed.count !== 1) return false;
      const current = await tx.service.findUniqueOrThrow({ where: { id: service.id } });
      if (current.paused) return true; // paused services never alert; flapping just ends
      const level = levelForFlip({ from: "warning", to: current.status as Status });
      await enqueueNotification(tx, ctx, {
        kind: "stable",
        service: current,
        title: `Service Stable: ${current.name}`,
        message: `No status change for ${ctx.config.alerts.flapWindowMinutes} minutes; now ${current.status}${current.message ? `: ${current.message}` : ""}`,
        level: level === "info" ? "info" : level,
        at: now,
      });
      return true;
    });
    if (won) ended += 1;
  }
  return ended;
}
