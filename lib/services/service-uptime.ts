import { serviceNotFound } from "../core/errors";
import type { Status } from "../core/status";
import { UPTIME_WINDOWS, uptimeWindow, type UptimeWindow, type UptimeWindowName } from "../core/uptime";
import type { Ctx } from "./context";
import { nowOf } from "./context";

/** A service's uptime bars for the last 24 hours, 7 days and 30 days, from its recorded flips. */
export async function serviceUptime(ctx: Ctx, { id }: { id: string }): Promise<Record<UptimeWindowName, UptimeWindow>> {
  const now = nowOf(ctx).getTime();
  const longest = Math.max(...Object.values(UPTIME_WINDOWS).map((w) => w.windowMs));
  const [service, flips] = await Promise.all([
    ctx.db.service.findUnique({ where: { id }, select: { status: true, createdAt: true } }),
    ctx.db.event.findMany({
      where: { serviceId: id, type: "flip", at: { gt: new Date(now - longest) } },
      orderBy: { id: "asc" },
      select: { at: true, fromStatus: true, status: true },
    }),
  ]);
  if (!service) throw serviceNotFound(id);
  const points = flips.map((f) => ({ at: f.at.getTime(), from: (f.fromStatus ?? "unknown") as Status, to: f.status as Status }));
  const input = { flips: points, current: service.status as Status, createdAt: service.createdAt.getTime(), now };
  return Object.fromEntries(
    Object.entries(UPTIME_WINDOWS).map(([name, w]) => [name, uptimeWindow({ ...input, ...w })]),
  ) as Record<UptimeWindowName, UptimeWindow>;
}
