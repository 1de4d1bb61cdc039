import { nextReminderAt } from "../core/alert-policy";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";
import { enqueueNotification, snapshotOf } from "../services/enqueue-notification";
import { describeFlip } from "../core/notification";
import type { Status } from "../core/status";

/** Reminds about services that stay stale or in error, every REMINDER_INTERVAL_MINUTES. */
export async function sendReminders(ctx: Ctx): Promise<number> {
  const now = nowOf(ctx);
  const due = await ctx.db.service.findMany({
    where: { nextReminderAt: { lte: now }, paused: false, flappingSince: null },
    take: 500,
  });
  let sent = 0;
  for (const service of due) {
    const won = await ctx.db.$transaction(async (tx) => {
      const claimed = await tx.service.updateMany({
        where: { id: service.id, nextReminderAt: service.nextReminderAt, status: service.status },
        data: { nextReminderAt: nextReminderAt(service.status, now, ctx.config.alerts) },
      });
      if (claimed.count !== 1 || (service.status !== "stale" && service.status !== "error")) return false;
      const notice = describeFlip({ from: service.status as Status, to: service.status as Status }, snapshotOf(ctx, service));
      const since = service.lastHeartbeat ? ` (last heartbeat ${service.lastHeartbeat.toISOString()})` : "";
      await enqueueNotification(tx, ctx, {
        kind: "reminder",
        service,
        title: `Reminder: ${service.name} is still ${service.status}`,
        message: service.status === "stale" ? `${notice.message}${since}` : `Still ${service.status}${service.message ? `: ${service.message}` : ""}`,
        level: service.status === "error" ? "error" : "warning",
        at: now,
      });
      return true;
    });
    if (won) sent += 1;
  }
  return sent;
}
