import type { JsonValue, Metadata } from "./metadata";
import { severity, type Status } from "./status";

// The dashboard overview's decisions: what a search matches, how services sort. Pure, so they are tested hard.

export const OVERVIEW_SORTS = ["severity", "name", "last_heartbeat"] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

export type Searchable = { id: string; name: string; status: string; message: string | null; metadata: unknown; lastHeartbeat: Date | null };

function metadataValues(value: JsonValue, out: string[]): void {
  if (value === null) return;
  if (Array.isArray(value)) value.forEach((v) => metadataValues(v, out));
  else if (typeof value === "object") Object.values(value).forEach((v) => metadataValues(v, out));
  else out.push(String(value));
}

/** Everything a search looks at, lower-cased: id, name, message and every metadata value (not the keys). */
export function searchText(s: Omit<Searchable, "status" | "lastHeartbeat">): string {
  const parts = [s.id, s.name, s.message ?? ""];
  if (s.metadata && typeof s.metadata === "object") metadataValues(s.metadata as Metadata, parts);
  return parts.join("\u0000").toLowerCase();
}

/** What a query looks for in a `searchText`: trimmed and lower-cased, once per search rather than once per service. */
export function searchNeedle(query: string): string {
  return query.trim().toLowerCase();
}

/** A literal, case-insensitive substring match (no wildcards). */
export function matchesSearch(text: string, query: string): boolean {
  const q = searchNeedle(query);
  return q === "" || text.includes(q);
}

/**
 * Worst first for severity (then name); A→Z for name; most recent first for last heartbeat (never-beaten last).
 * Ties are broken by id so pages are stable.
 */
export function compareForSort(sort: OverviewSort): (a: Searchable, b: Searchable) => number {
  const byId = (a: Searchable, b: Searchable) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byName = (a: Searchable, b: Searchable) => a.name.localeCompare(b.name) || byId(a, b);
  if (sort === "name") return byName;
  if (sort === "last_heartbeat") {
    return (a, b) => (b.lastHeartbeat?.getTime() ?? -Infinity) - (a.lastHeartbeat?.getTime() ?? -Infinity) || byName(a, b);
  }
  return (a, b) => severity(b.status as Status) - severity(a.status as Status) || byName(a, b);
}
