import { describe, expect, it } from "vitest";
import { LOCK_AFTER, THROTTLE_WINDOW_MS, delayBeforeAttempt, lockedFor, recordFailure, type FailureRecord } from "../../lib/core/login-throttle";

describe("login throttle", () => {
  it("does not slow down the first attempt", () => {
    expect(delayBeforeAttempt(undefined, 0)).toBe(0);
    expect(lockedFor(undefined, 0)).toBe(0);
  });
  it("doubles the wait with every failure, up to a ceiling", () => {
    let r: FailureRecord | undefined;
    const delays = [];
    for (let i = 0; i < 7; i++) {
      r = recordFailure(r, 1000 + i);
      delays.push(delayBeforeAttempt(r, 1000 + i));
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000]);
  });
  it("locks after LOCK_AFTER failures for the rest of the window", () => {
    let r: FailureRecord | undefined;
    for (let i = 0; i < LOCK_AFTER; i++) r = recordFailure(r, 1000);
    expect(lockedFor(r, 1000)).toBe(THROTTLE_WINDOW_MS);
    expect(lockedFor(r, 1000 + THROTTLE_WINDOW_MS - 1)).toBe(1);
    expect(lockedFor(r, 1000 + THROTTLE_WINDOW_MS)).toBe(0);
  });
  it("forgets failures once the window passed", () => {
    const r = recordFailure(recordFailure(undefined, 0), 10);
    expect(delayBeforeAttempt(r, THROTTLE_WINDOW_MS + 1)).toBe(0);
    expect(recordFailure(r, THROTTLE_WINDOW_MS + 1).count).toBe(1);
  });
});
