import { normalizeApiUrl } from "./http.js";

export const DEFAULT_API_URL = "http://localhost:8000";

/** The API URL from the environment: API_URL or LANESWAP_API_URL, else http://localhost:8000. */
export function apiUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  return env.API_URL || env.LANESWAP_API_URL || DEFAULT_API_URL;
}

/**
 * The dashboard link for a service: `<apiUrl>/?service=<id>` (the dashboard and the API are one server), or the
 * dashboard itself without a service. `apiUrl` defaults to MONITOR_URL, then API_URL (or their LANESWAP_ forms).
 */
export function generateMonitorUrl(options: { serviceId?: string | null; apiUrl?: string } = {}): string {
  const env = process.env;
  const base = normalizeApiUrl(options.apiUrl ?? (env.MONITOR_URL || env.LANESWAP_MONITOR_URL || apiUrlFromEnv(env)));
  return options.serviceId ? `${base}/?service=${encodeURIComponent(options.serviceId)}` : `${base}/`;
}
