import type { Status } from "../core/status";
import { STATUSES, zeroStatusCounts } from "../core/status";
import type { Ctx } from "./context";
import { toServiceView, type ServiceView } from "./service-view";

export const DEFAULT_LIST_LIMIT = 1000;

export type ListServicesResult = {
  services: Record<string, ServiceView>;
  summary: { total: number; status_counts: Record<Status, number> };
  next_cursor: string | null;
};

/**
 * Services in id order, filtered by status and a search over id, name and message, a page at a time. The summary
 * always covers the whole fleet.
 */
export async function listServices(
  ctx: Ctx,
  options: { status?: Status; q?: string; limit?: number; cursor?: string },
): Promise<ListServicesResult> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  const q = options.q?.trim();
  const where = {
    ...(options.status ? { status: options.status } : {}),
    ...(q ? { OR: [{ id: { contains: q } }, { name: { contains: q } }, { message: { contains: q } }] } : {}),
    ...(options.cursor ? { id: { gt: options.cursor } } : {}),
  };
  const [rows, groups] = await Promise.all([
    ctx.db.service.findMany({ where, orderBy: { id: "asc" }, take: limit + 1 }),
    ctx.db.service.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  const page = rows.slice(0, limit);
  const counts = zeroStatusCounts();
  let total = 0;
  for (const g of groups) {
    if ((STATUSES as readonly string[]).includes(g.status)) counts[g.status as Status] = g._count._all;
    total += g._count._all;
  }
  return {
    services: Object.fromEntries(page.map((s) => [s.id, toServiceView(ctx, s)])),
    summary: { total, status_counts: counts },
    next_cursor: rows.length > limit ? page[page.length - 1].id : null,
  };
}
