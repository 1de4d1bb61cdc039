import { compareForSort, matchesSearch, searchText, type OverviewSort } from "../core/overview";
import { STATUSES, worstStatus, zeroStatusCounts, type Status } from "../core/status";
import { changeStamp } from "./change-stamp";
import type { Ctx } from "./context";
import { toServiceView, type ServiceRow, type ServiceView } from "./service-view";

// The dashboard's overview: the whole fleet sorted, searched and filtered, a page at a time. The fleet is read once
// per change (the change stamp) and kept in this process, so paging, filtering and searching cost no database work
// until something changes.

type Indexed = ServiceRow & { text: string };
type Fleet = { stamp: string; rows: Indexed[]; sorted: Map<OverviewSort, Indexed[]> };
const cache = globalThis as unknown as { laneswapFleet?: Promise<Fleet> };

async function loadFleet(ctx: Ctx, stamp: string): Promise<Fleet> {
  const rows = await ctx.db.service.findMany({
    select: { id: true, name: true, status: true, message: true, metadata: true, createdAt: true, updatedAt: true, lastHeartbeat: true, staleThreshold: true, paused: true },
  });
  return { stamp, rows: rows.map((r) => ({ ...r, text: searchText(r) })), sorted: new Map() };
}

async function fleet(ctx: Ctx): Promise<Fleet> {
  const stamp = await changeStamp(ctx);
  const current = await cache.laneswapFleet?.catch(() => undefined);
  if (current?.stamp === stamp) return current;
  const next = loadFleet(ctx, stamp);
  cache.laneswapFleet = next;
  return next;
}

function sortedBy(f: Fleet, sort: OverviewSort): Indexed[] {
  let list = f.sorted.get(sort);
  if (!list) {
    list = [...f.rows].sort(compareForSort(sort));
    f.sorted.set(sort, list);
  }
  return list;
}

export type OverviewQuery = { status?: Status; q?: string; sort: OverviewSort; offset: number; limit: number };
export type Overview = {
  services: ServiceView[];
  /** Services matching the search and the status filter. */
  total: number;
  offset: number;
  limit: number;
  /** The whole fleet. */
  summary: { total: number; status_counts: Record<Status, number>; worst: Status | null };
  /** Per status, the services matching the search (the filter chips' counts). */
  matching_counts: Record<Status, number>;
};

export async function queryOverview(ctx: Ctx, query: OverviewQuery): Promise<Overview> {
  const f = await fleet(ctx);
  const fleetCounts = zeroStatusCounts();
  for (const r of f.rows) if (r.status in fleetCounts) fleetCounts[r.status as Status] += 1;
  const searched = query.q?.trim() ? sortedBy(f, query.sort).filter((r) => matchesSearch(r.text, query.q!)) : sortedBy(f, query.sort);
  const matching = zeroStatusCounts();
  for (const r of searched) if (r.status in matching) matching[r.status as Status] += 1;
  const filtered = query.status ? searched.filter((r) => r.status === query.status) : searched;
  return {
    services: filtered.slice(query.offset, query.offset + query.limit).map((r) => toServiceView(ctx, r)),
    total: filtered.length,
    offset: query.offset,
    limit: query.limit,
    summary: {
      total: f.rows.length,
      status_counts: fleetCounts,
      worst: worstStatus(STATUSES.filter((s) => fleetCounts[s] > 0)) ?? null,
    },
    matching_counts: matching,
  };
}
