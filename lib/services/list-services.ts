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

type ListOptions = { status?: Status; q?: string; limit?: number; cursor?: string };

/**
 * Services in id order, filtered by status and a case-insensitive search over id, name and message, a page at a
 * time. The summary always covers the whole fleet.
 */
export async function listServices(ctx: Ctx, options: ListOptions): Promise<ListServicesResult> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  const [rows, groups] = await Promise.all([pageOfServices(ctx, options, limit + 1), ctx.db.service.groupBy({ by: ["status"], _count: { _all: true } })]);
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

/**
 * Up to `size` matching rows after the cursor. The database's LIKE reads `_` and `%` as wildcards, so with a search
 * it returns a superset; the rows are then matched literally here, reading on until the page is full.
 */
async function pageOfServices(ctx: Ctx, options: ListOptions, size: number) {
  const q = options.q?.trim().toLowerCase();
  const mode = ctx.config.provider === "postgresql" ? { mode: "insensitive" as const } : {};
  const search = q ? { OR: (["id", "name", "message"] as const).map((f) => ({ [f]: { contains: q, ...mode } })) } : {};
  const rows = [];
  let cursor = options.cursor;
  for (;;) {
    const batch = await ctx.db.service.findMany({
      where: { ...(options.status ? { status: options.status } : {}), ...search, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: size,
    });
    const matching = q ? batch.filter((s) => [s.id, s.name, s.message ?? ""].some((v) => v.toLowerCase().includes(q))) : batch;
    rows.push(...matching);
    if (rows.length >= size || batch.length < size) return rows.slice(0, size);
    cursor = batch[batch.length - 1].id;
  }
}
