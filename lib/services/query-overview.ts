import { compareForSort, searchNeedle, searchText, type OverviewSort } from "../core/overview";
import { STATUSES, worstStatus, zeroStatusCounts, type Status } from "../core/status";
import { changeStamp } from "./change-stamp";
import type { Ctx } from "./context";
import { toServiceView, type ServiceRow, type ServiceView } from "./service-view";

// The dashboard's overview: the whole fleet sorted, searched and filtered, a page at a time. The fleet is read once
// per change (the change stamp) and kept in this process, so paging, filtering and searching cost no database work
// until something changes. A search is one pass over the sorted fleet that counts and filters at once; without a
// search, the counts are the fleet's and each sorted, status-filtered list is kept once made.

type Indexed = ServiceRow & { text: string };
type Fleet = { stamp: string; rows: Indexed[]; counts: Record<Status, number>; lists: Map<string, Indexed[]> };
const cache = globalThis as unknown as { laneswapFleet?: Promise<Fleet> };

async function loadFleet(ctx: Ctx, stamp: string): Promise<Fleet> {
  const rows = await ctx.db.service.findMany({
    select: { id: true, name: true, status: true, message: true, metadata: true, createdAt: true, updatedAt: true, lastHeartbeat: true, staleThreshold: true, paused: true },
  });
  // One object shape for every row keeps the loops over 10,000 of them fast.
  const indexed: Indexed[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    message: r.message,
    metadata: r.metadata,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    lastHeartbeat: r.lastHeartbeat,
    staleThreshold: r.staleThreshold,
    paused: r.paused,
    text: searchText(r),
  }));
  const counts = zeroStatusCounts();
  for (const r of indexed) if (r.status in counts) counts[r.status as Status] += 1;
  return { stamp, rows: indexed, counts, lists: new Map() };
}

async function fleet(ctx: Ctx): Promise<Fleet> {
  const stamp = await changeStamp(ctx);
  const current = await cache.laneswapFleet?.catch(() => undefined);
  if (current?.stamp === stamp) return current;
  const next = loadFleet(ctx, stamp);
  cache.laneswapFleet = next;
  return next;
}

/** The fleet in `sort` order, only `status` if given; made once per fleet. */
function listOf(f: Fleet, sort: OverviewSort, status?: Status): Indexed[] {
  const key = status ? `${sort}:${status}` : sort;
  let list = f.lists.get(key);
  if (!list) {
    list = status ? listOf(f, sort).filter((r) => r.status === status) : [...f.rows].sort(compareForSort(sort));
    f.lists.set(key, list);
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
  const needle = searchNeedle(query.q ?? "");
  let matching: Record<Status, number>;
  let filtered: Indexed[];
  if (needle === "") {
    matching = { ...f.counts };
    filtered = listOf(f, query.sort, query.status);
  } else {
    matching = zeroStatusCounts();
    filtered = [];
    for (const r of listOf(f, query.sort)) {
      if (!r.text.includes(needle)) continue;
      if (r.status in matching) matching[r.status as Status] += 1;
      if (!query.status || r.status === query.status) filtered.push(r);
    }
  }
  return {
    services: filtered.slice(query.offset, query.offset + query.limit).map((r) => toServiceView(ctx, r)),
    total: filtered.length,
    offset: query.offset,
    limit: query.limit,
    summary: {
      total: f.rows.length,
      status_counts: { ...f.counts },
      worst: worstStatus(STATUSES.filter((s) => f.counts[s] > 0)) ?? null,
    },
    matching_counts: matching,
  };
}
