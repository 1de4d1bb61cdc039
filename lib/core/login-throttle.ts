// How repeated wrong passwords are slowed down: each failure within the window doubles the wait before the next
// answer, and after LOCK_AFTER failures the name is locked for the rest of the window. Pure: the caller keeps
// the state and the clock.

export type FailureRecord = { count: number; first: number; last: number };

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const LOCK_AFTER = 10;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/** The record as it stands at `now`: failures older than the window are forgotten. */
export function current(record: FailureRecord | undefined, now: number): FailureRecord | undefined {
  return record && now - record.first < THROTTLE_WINDOW_MS ? record : undefined;
}

export function recordFailure(record: FailureRecord | undefined, now: number): FailureRecord {
  const live = current(record, now);
  return live ? { count: live.count + 1, first: live.first, last: now } : { count: 1, first: now, last: now };
}

/** How long to hold the answer to an attempt back: nothing before the first failure, then 250 ms doubling. */
export function delayBeforeAttempt(record: FailureRecord | undefined, now: number): number {
  const live = current(record, now);
  if (!live) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (live.count - 1));
}

/** Milliseconds the name stays locked, or 0 when attempts are allowed. */
export function lockedFor(record: FailureRecord | undefined, now: number): number {
  const live = current(record, now);
  if (!live || live.count < LOCK_AFTER) return 0;
  return live.first + THROTTLE_WINDOW_MS - now;
}
