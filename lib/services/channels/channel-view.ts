import type { Level } from "../../core/notification";

export type ChannelRecord = {
  id: string;
  name: string;
  type: string;
  config: unknown;
  levels: string;
  serviceIds: unknown;
  enabled: boolean;
  managed: boolean;
  brokenAt: Date | null;
  brokenReason: string | null;
  pausedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const SECRET_FIELDS = new Set(["password", "secret"]);

/** Hides the secret part of a URL (webhook URLs carry their token in the path): scheme, host and a hint remain. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…${u.pathname.slice(-4)}`;
  } catch {
    return "…";
  }
}

/** A channel as the API shows it: secrets masked, broken state explained. */
export function toChannelView(c: ChannelRecord) {
  const config = Object.fromEntries(
    Object.entries((c.config ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_FIELDS.has(k) ? "••••" : k === "url" && typeof v === "string" ? maskUrl(v) : v,
    ]),
  );
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    config,
    levels: c.levels.split(",") as Level[],
    service_ids: (c.serviceIds as string[] | null) ?? null,
    enabled: c.enabled,
    managed: c.managed,
    broken: c.brokenAt ? { at: c.brokenAt.toISOString(), reason: c.brokenReason } : null,
    rate_limited_until: c.pausedUntil?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
export type ChannelView = ReturnType<typeof toChannelView>;
