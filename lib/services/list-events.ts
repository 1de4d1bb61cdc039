import { serviceNotFound } from "../core/errors";
import { EVENT_ID_PATTERN } from "../core/schemas";
import type { Ctx } from "./context";
import { toEventView, type EventView } from "./service-view";

/** A service's heartbeats and flips, newest first, a page at a time (`before` is the previous page's cursor). */
export async function listEvents(
  ctx: Ctx,
  { id, limit, before }: { id: string; limit: number; before?: string },
): Promise<{ events: EventView[]; next_cursor: string | null }> {
  const [exists, rows] = await Promise.all([
    ctx.db.service.count({ where: { id } }),
    ctx.db.event.findMany({
      where: { serviceId: id, ...(before ? beforeFilter(before) : {}) },
      orderBy: { id: "desc" },
      take: limit + 1,
    }),
  ]);
  if (exists === 0) throw serviceNotFound(id);
  const page = rows.slice(0, limit);
  return { events: page.map(toEventView), next_cursor: rows.length > limit ? page[page.length - 1].id : null };
}

function beforeFilter(before: string) {
  return EVENT_ID_PATTERN.test(before) ? { id: { lt: before } } : { at: { lt: new Date(before) } };
}
