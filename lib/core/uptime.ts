import { severity, type Status } from "./status";

// Uptime history from flips: the status a service was in at every moment follows from its status changes. Pure.

export type FlipPoint = { at: number; from: Status; to: Status };
export type UptimeBucket = { start: number; end: number; worst: Status | null; uptime: number | null };
export type UptimeWindow = { uptime: number | null; buckets: UptimeBucket[] };

/** Counted as down; `unknown` (no heartbeat yet) counts as neither up nor down. */
const DOWN: ReadonlySet<Status> = new Set(["error", "stale"]);

type Segment = { start: number; end: number; status: Status };

/** The service's status over [from, to): one segment per stretch between flips, nothing before it existed. */
export function segments(input: { flips: FlipPoint[]; current: Status; createdAt: number; from: number; to: number }): Segment[] {
  const flips = input.flips.filter((f) => f.at > input.from && f.at <= input.to).sort((a, b) => a.at - b.at);
  const out: Segment[] = [];
  let status = flips.length ? flips[0].from : currentAt(input);
  let start = Math.max(input.from, input.createdAt);
  for (const f of flips) {
    if (f.at > start) out.push({ start, end: f.at, status });
    start = Math.max(start, f.at);
    status = f.to;
  }
  if (input.to > start) out.push({ start, end: input.to, status });
  return out;
}

// Without flips in the window, the status then is the status now, unless a later flip (after `to`) says otherwise.
function currentAt(input: { flips: FlipPoint[]; current: Status; to: number }): Status {
  const later = input.flips.filter((f) => f.at > input.to).sort((a, b) => a.at - b.at)[0];
  return later ? later.from : input.current;
}

function summarize(parts: Segment[], start: number, end: number): UptimeBucket {
  let up = 0;
  let down = 0;
  let worst: Status | null = null;
  for (const p of parts) {
    const length = Math.min(p.end, end) - Math.max(p.start, start);
    if (length <= 0) continue;
    if (worst === null || severity(p.status) > severity(worst)) worst = p.status;
    if (DOWN.has(p.status)) down += length;
    else if (p.status !== "unknown") up += length;
  }
  return { start, end, worst, uptime: up + down > 0 ? up / (up + down) : null };
}

/** `buckets` equal bars over the `windowMs` before `now`, and the share of known time the service was up. */
export function uptimeWindow(input: { flips: FlipPoint[]; current: Status; createdAt: number; now: number; windowMs: number; buckets: number }): UptimeWindow {
  const from = input.now - input.windowMs;
  const parts = segments({ ...input, from, to: input.now });
  const size = input.windowMs / input.buckets;
  const buckets = Array.from({ length: input.buckets }, (_, i) => summarize(parts, from + i * size, from + (i + 1) * size));
  return { uptime: summarize(parts, from, input.now).uptime, buckets };
}

export const UPTIME_WINDOWS = {
  "24h": { windowMs: 24 * 3_600_000, buckets: 24 },
  "7d": { windowMs: 7 * 24 * 3_600_000, buckets: 28 },
  "30d": { windowMs: 30 * 24 * 3_600_000, buckets: 30 },
} as const;
export type UptimeWindowName = keyof typeof UPTIME_WINDOWS;
