import type { Ctx } from "./context";

/**
 * A cheap fingerprint of everything the dashboard shows: it changes whenever a service is added, removed or changed
 * (heartbeats, flips by the worker, edits) and whenever an event is recorded, whichever process did it.
 */
export async function changeStamp(ctx: Ctx): Promise<string> {
  const [services, newestEvent] = await Promise.all([
    ctx.db.service.aggregate({ _count: { _all: true }, _max: { updatedAt: true } }),
    ctx.db.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } }),
  ]);
  return `${services._count._all}:${services._max.updatedAt?.getTime() ?? 0}:${newestEvent?.id ?? ""}`;
}
