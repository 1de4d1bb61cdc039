export const STATUSES = ["healthy", "warning", "degraded", "error", "busy", "stale", "unknown"] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses a client may report; `stale` is set only by the monitor and `unknown` only at registration. */
export const CLIENT_STATUSES = ["healthy", "warning", "degraded", "error", "busy"] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

// Highest first: error > stale > warning > degraded > busy > unknown > healthy.
const SEVERITY_ORDER: readonly Status[] = ["error", "stale", "warning", "degraded", "busy", "unknown", "healthy"];

/** A number that grows with severity: healthy is 0, error is 6. */
export function severity(status: Status): number {
  return SEVERITY_ORDER.length - 1 - SEVERITY_ORDER.indexOf(status);
}

/** Sorts worst first. */
export function compareBySeverity(a: Status, b: Status): number {
  return severity(b) - severity(a);
}

/** The worst of the given statuses, or undefined for none. */
export function worstStatus(statuses: Iterable<Status>): Status | undefined {
  let worst: Status | undefined;
  for (const s of statuses) if (worst === undefined || severity(s) > severity(worst)) worst = s;
  return worst;
}

export function isStatus(value: unknown): value is Status {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value);
}

export function zeroStatusCounts(): Record<Status, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
}
