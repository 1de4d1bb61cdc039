import { compareBySeverity, STATUSES, type Status } from "../../lib/core/status";
import type { EventView, ServiceView } from "../../lib/services/service-view";
import { formatAge, formatTime, sanitize, statusLabel, paintStatus, type Colors, type Column } from "./format";
import type { ApiClient } from "./http";

// Services as the API lists them, fetched page by page, sorted worst first, and the text both `laneswap list`,
// `laneswap get` and the terminal monitor show for them.

export type ServiceItem = Omit<ServiceView, "events">;
export type ServiceDetail = ServiceView & { events?: EventView[] };
export type Summary = { total: number; status_counts: Record<Status, number> };
export type ServicesPage = { services: Record<string, ServiceItem>; summary: Summary; next_cursor?: string | null };
export type ServiceList = { services: ServiceItem[]; summary: Summary };

export const PAGE_SIZE = 1000;

/** Every service matching the filters, following next_cursor ?limit=1000 at a time; the summary covers the fleet. */
export async function fetchAllServices(api: ApiClient, filters: { status?: string; q?: string } = {}): Promise<ServiceList> {
  const services: ServiceItem[] = [];
  let summary: Summary | undefined;
  let cursor: string | undefined;
  // A bound on pages so a server that keeps answering the same cursor cannot loop forever.
  for (let page = 0; page < 10_000; page++) {
    const answer = await api.get<ServicesPage>("/api/services", { ...filters, limit: PAGE_SIZE, cursor });
    summary ??= answer.summary;
    services.push(...Object.values(answer.services));
    if (!answer.next_cursor || answer.next_cursor === cursor) break;
    cursor = answer.next_cursor;
  }
  return { services: sortServices(services), summary: summary ?? { total: 0, status_counts: zeroCounts() } };
}

function zeroCounts(): Record<Status, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
}

const byName = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Worst status first (error > stale > warning > degraded > busy > unknown > healthy), then by name ("svc 2" before "svc 10"), then id. */
export function sortServices<T extends { status: Status; name: string; id: string }>(services: T[]): T[] {
  return [...services].sort(
    (a, b) => compareBySeverity(a.status, b.status) || byName.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** "12 services: 1 error, 2 stale, 9 healthy" — statuses worst first, zero counts left out. */
export function summaryText(summary: Summary, c: Colors): string {
  const order = [...STATUSES].sort(compareBySeverity);
  const parts = order.filter((s) => summary.status_counts[s] > 0).map((s) => paintStatus(c, s, `${summary.status_counts[s]} ${s}`));
  const noun = summary.total === 1 ? "service" : "services";
  return parts.length ? `${summary.total} ${noun}: ${parts.join(", ")}` : `${summary.total} ${noun}`;
}

export const LIST_COLUMNS: Column[] = [
  { header: "STATUS" },
  { header: "NAME", flexible: true, minWidth: 12 },
  { header: "LAST HEARTBEAT" },
  { header: "MESSAGE", flexible: true, minWidth: 10 },
  { header: "ID", flexible: true, minWidth: 12 },
];

export function listRows(services: ServiceItem[], now: Date, c: Colors): string[][] {
  return services.map((s) => [
    statusLabel(c, s.status) + (s.paused ? c.dim(" (paused)") : ""),
    sanitize(s.name),
    formatAge(s.last_heartbeat, now),
    sanitize(s.message),
    s.id,
  ]);
}

/** The dashboard deep link of a service (or of the whole fleet). */
export function monitorUrl(apiUrl: string, serviceId?: string): string {
  const base = apiUrl.replace(/\/+$/, "");
  return serviceId ? `${base}/?service=${encodeURIComponent(serviceId)}` : `${base}/`;
}

function metadataValue(value: unknown): string {
  return sanitize(typeof value === "string" ? value : JSON.stringify(value));
}

/** One event as a line: time, kind, status (a flip shows from → to), message. */
export function eventLine(e: EventView, c: Colors): string {
  const status = e.type === "flip" && e.from ? `${paintStatus(c, e.from)} → ${paintStatus(c, e.status)}` : paintStatus(c, e.status);
  const reason = e.type === "flip" && e.reason ? c.dim(` (${e.reason})`) : "";
  const message = sanitize(e.message);
  return `${c.dim(formatTime(e.timestamp))}  ${e.type === "flip" ? c.bold("flip     ") : "heartbeat"}  ${status}${reason}${message ? `  ${message}` : ""}`;
}

/** What `laneswap get` prints and the monitor's detail view shows: fields, metadata, events newest first. */
export function serviceDetailLines(s: ServiceDetail, options: { now: Date; colors: Colors; apiUrl: string; maxEvents?: number }): string[] {
  const { now, colors: c } = options;
  const field = (label: string, value: string) => `  ${c.dim(label.padEnd(15))} ${value}`;
  const lines = [
    `${statusLabel(c, s.status)}  ${c.bold(sanitize(s.name))}${s.paused ? c.dim("  (paused)") : ""}`,
    field("id", s.id),
    field("message", sanitize(s.message) || c.dim("none")),
    field("last heartbeat", s.last_heartbeat ? `${formatTime(s.last_heartbeat)} (${formatAge(s.last_heartbeat, now)})` : "never"),
    field("registered", formatTime(s.created_at)),
    field("stale after", `${s.stale_threshold} s${s.stale_threshold_override ? "" : c.dim(" (the default)")}`),
    field("dashboard", monitorUrl(options.apiUrl, s.id)),
    "",
  ];
  const meta = Object.entries(s.metadata ?? {});
  lines.push(c.bold("metadata") + (meta.length ? "" : c.dim("  none")));
  const keyWidth = Math.min(24, Math.max(0, ...meta.map(([k]) => k.length)));
  for (const [k, v] of meta) lines.push(`  ${sanitize(k).padEnd(keyWidth)}  ${metadataValue(v)}`);
  lines.push("");
  const events = [...(s.events ?? [])].reverse();
  const shown = options.maxEvents === undefined ? events : events.slice(0, options.maxEvents);
  const count = shown.length < events.length ? `, ${shown.length} of ${events.length}` : "";
  lines.push(c.bold("events") + c.dim(` (newest first${count})`) + (events.length ? "" : c.dim("  none yet")));
  for (const e of shown) lines.push("  " + eventLine(e, c));
  return lines;
}
