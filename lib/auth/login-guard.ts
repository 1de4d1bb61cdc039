import { delayBeforeAttempt, lockedFor, recordFailure, type FailureRecord } from "../core/login-throttle";

// Per-process memory of failed logins, per user name. Several instances each count on their own.
const failures = new Map<string, FailureRecord>();

export class LoginLockedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("locked");
  }
}

/** Runs one login attempt under the throttle: waits, refuses while locked, and remembers failures. */
export async function guardedLogin<T>(username: string, attempt: () => Promise<T | null>): Promise<T | null> {
  const now = Date.now();
  const record = failures.get(username);
  const locked = lockedFor(record, now);
  if (locked > 0) throw new LoginLockedError(Math.ceil(locked / 1000));
  const delay = delayBeforeAttempt(record, now);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const result = await attempt();
  if (result) failures.delete(username);
  else {
    if (failures.size > 10_000) failures.clear();
    failures.set(username, recordFailure(failures.get(username), Date.now()));
  }
  return result;
}
