import { ApiError } from "./fetch-json";

// When a request of the dashboard fails, when to try it again. SWR's own backoff doubles without a useful limit (after
// a few minutes' outage it waits minutes more); the pages say "trying again automatically", so they do, at most
// MAX_RETRY_MS apart. Answers that retrying cannot change (no session, no permission, no such service) are not retried:
// live updates and the refresh interval ask again when something changes.

export const MAX_RETRY_MS = 10_000;

/** Milliseconds until the next attempt after `retryCount` failed ones, or null for no retry. */
export function retryDelay(error: unknown, retryCount: number): number | null {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) return null;
  return Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.max(0, retryCount - 1));
}
