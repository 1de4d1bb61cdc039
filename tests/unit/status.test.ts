import { describe, expect, it } from "vitest";
import {
  CLIENT_STATUSES,
  STATUSES,
  compareBySeverity,
  isStatus,
  severity,
  worstStatus,
  zeroStatusCounts,
  type Status,
} from "../../lib/core/status";

const WORST_FIRST: Status[] = ["error", "stale", "warning", "degraded", "busy", "unknown", "healthy"];

describe("STATUSES", () => {
  it("holds exactly the seven statuses of the spec", () => {
    expect([...STATUSES].sort()).toEqual(
      ["busy", "degraded", "error", "healthy", "stale", "unknown", "warning"],
    );
  });

  it("client statuses exclude stale and unknown", () => {
    expect([...CLIENT_STATUSES].sort()).toEqual(["busy", "degraded", "error", "healthy", "warning"]);
    expect(CLIENT_STATUSES).not.toContain("stale");
    expect(CLIENT_STATUSES).not.toContain("unknown");
  });
});

describe("severity", () => {
  it("healthy is 0 and error is 6", () => {
    expect(severity("healthy")).toBe(0);
    expect(severity("error")).toBe(6);
  });

  it("strictly follows error > stale > warning > degraded > busy > unknown > healthy", () => {
    for (let i = 0; i < WORST_FIRST.length - 1; i++) {
      expect(severity(WORST_FIRST[i]), `${WORST_FIRST[i]} > ${WORST_FIRST[i + 1]}`).toBeGreaterThan(
        severity(WORST_FIRST[i + 1]),
      );
    }
  });

  it("gives every status a distinct value in 0..6", () => {
    const values = STATUSES.map(severity);
    expect(new Set(values).size).toBe(7);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(6);
    }
  });
});

describe("compareBySeverity", () => {
  it("sorts worst first", () => {
    const shuffled: Status[] = ["healthy", "busy", "error", "unknown", "warning", "stale", "degraded"];
    expect([...shuffled].sort(compareBySeverity)).toEqual(WORST_FIRST);
  });

  it("sorts a reversed list into severity order", () => {
    expect([...WORST_FIRST].reverse().sort(compareBySeverity)).toEqual(WORST_FIRST);
  });

  it("is negative when a is worse, positive when b is worse, zero when equal", () => {
    expect(compareBySeverity("error", "healthy")).toBeLessThan(0);
    expect(compareBySeverity("healthy", "error")).toBeGreaterThan(0);
    expect(compareBySeverity("stale", "warning")).toBeLessThan(0);
    expect(compareBySeverity("unknown", "busy")).toBeGreaterThan(0);
    for (const s of STATUSES) expect(compareBySeverity(s, s)).toBe(0);
  });

  it("is antisymmetric for every pair", () => {
    for (const a of STATUSES) {
      for (const b of STATUSES) {
        expect(Math.sign(compareBySeverity(a, b))).toBe(-Math.sign(compareBySeverity(b, a)) || 0);
      }
    }
  });

  it("keeps duplicates grouped", () => {
    const list: Status[] = ["healthy", "error", "healthy", "stale", "error"];
    expect(list.sort(compareBySeverity)).toEqual(["error", "error", "stale", "healthy", "healthy"]);
  });
});

describe("worstStatus", () => {
  it("returns undefined for no statuses", () => {
    expect(worstStatus([])).toBeUndefined();
  });

  it("returns the only status", () => {
    for (const s of STATUSES) expect(worstStatus([s])).toBe(s);
  });

  it("picks the most severe", () => {
    expect(worstStatus(["healthy", "warning", "busy"])).toBe("warning");
    expect(worstStatus(["healthy", "unknown"])).toBe("unknown");
    expect(worstStatus(["busy", "unknown", "healthy"])).toBe("busy");
    expect(worstStatus(["degraded", "busy"])).toBe("degraded");
    expect(worstStatus(["warning", "degraded"])).toBe("warning");
    expect(worstStatus(["warning", "stale", "degraded"])).toBe("stale");
    expect(worstStatus(["stale", "error", "healthy"])).toBe("error");
    expect(worstStatus([...STATUSES])).toBe("error");
  });

  it("does not depend on order", () => {
    expect(worstStatus(["error", "stale"])).toBe("error");
    expect(worstStatus(["stale", "error"])).toBe("error");
  });

  it("accepts any iterable", () => {
    expect(worstStatus(new Set<Status>(["healthy", "degraded"]))).toBe("degraded");
    function* gen(): Generator<Status> {
      yield "busy";
      yield "stale";
      yield "healthy";
    }
    expect(worstStatus(gen())).toBe("stale");
  });

  it("agrees with the head of a severity sort", () => {
    const sample: Status[] = ["busy", "unknown", "warning", "healthy", "degraded"];
    expect(worstStatus(sample)).toBe([...sample].sort(compareBySeverity)[0]);
  });
});

describe("isStatus", () => {
  it("accepts each of the seven statuses", () => {
    for (const s of STATUSES) expect(isStatus(s)).toBe(true);
  });

  it("rejects other strings, including case variants and padding", () => {
    for (const v of ["", "bogus", "Healthy", "ERROR", " healthy", "healthy ", "ok", "down"]) {
      expect(isStatus(v), JSON.stringify(v)).toBe(false);
    }
  });

  it("rejects non-strings", () => {
    for (const v of [undefined, null, 0, 1, true, {}, [], ["healthy"], { status: "healthy" }]) {
      expect(isStatus(v)).toBe(false);
    }
  });
});

describe("zeroStatusCounts", () => {
  it("has all seven statuses at zero and nothing else", () => {
    expect(zeroStatusCounts()).toEqual({
      healthy: 0,
      warning: 0,
      degraded: 0,
      error: 0,
      busy: 0,
      stale: 0,
      unknown: 0,
    });
    expect(Object.keys(zeroStatusCounts())).toHaveLength(7);
  });

  it("returns a fresh object each call", () => {
    const a = zeroStatusCounts();
    a.error += 3;
    const b = zeroStatusCounts();
    expect(b.error).toBe(0);
    expect(a).not.toBe(b);
  });
});
